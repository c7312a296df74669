// Plain-words formatting of sizes, dates and file types for people.

const UNITS = ["bytes", "KB", "MB", "GB", "TB"];

/** 1234567 → "1.2 MB"; sizes under 1 KB stay exact ("512 bytes"). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "";
  if (n < 1024) return n === 1 ? "1 byte" : `${n} bytes`;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

/** A date as staff read it: "12 Mar 2024" (with the time when `withTime`). */
export function formatDate(ms: number | string, withTime = false): string {
  const d = typeof ms === "string" ? new Date(ms) : new Date(ms);
  if (Number.isNaN(d.getTime())) return "";
  const opts: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
  if (withTime) {
    opts.hour = "2-digit";
    opts.minute = "2-digit";
  }
  return d.toLocaleString("en-GB", opts);
}

const KINDS: [RegExp, string][] = [
  [/^application\/pdf$/, "PDF"],
  [/^image\/(jpeg|jpg)$/, "JPEG image"],
  [/^image\/png$/, "PNG image"],
  [/^image\/tiff$/, "TIFF scan"],
  [/^image\//, "Image"],
  [/wordprocessingml|msword|opendocument\.text/, "Word document"],
  [/spreadsheetml|ms-excel|opendocument\.spreadsheet|text\/csv/, "Spreadsheet"],
  [/presentationml|opendocument\.presentation/, "Presentation"],
  [/^text\//, "Text"],
];

/** "application/pdf" → "PDF"; unknown types → "File". */
export function kindOf(mime: string): string {
  for (const [re, name] of KINDS) if (re.test(mime)) return name;
  return "File";
}

/** Whether the webview can show the content itself (as a zoomable picture). */
export function isPicture(mime: string): boolean {
  return /^image\/(jpeg|png|gif|webp|bmp)$/.test(mime);
}
