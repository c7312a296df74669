// A PDF that crashes the PDF reader, in the real app: only that document fails, with a
// plain reason and a placeholder, later PDFs are read, and the app started again on that
// library opens without crashing. Run by scripts/test-app.sh with the app's PDF reader
// set to this repository's test worker (DOSSIER_PDF_WORKER: the real worker, which dies
// by SIGSEGV on a file marked `%DOSSIER-TEST-CRASH`).
//
//   node tests/app/hostile.mjs <app binary> <scratch dir> <corpus dir>

import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TIMEOUT, appProcess, byTest, find, invoke, session as start, typeInto, waitForText } from "./driver.mjs";

const [app, scratch, corpus] = process.argv.slice(2).map((p) => resolve(p));
assert.ok(process.env.DOSSIER_PDF_WORKER, "the app's PDF reader is the test worker");
const library = join(scratch, "library");
const args = ["--library", library, "--settings", join(scratch, "settings.json")];
const intake = join(scratch, "intake");
mkdirSync(intake, { recursive: true });
const minimal = join(corpus, "py-pdf+sample-files/001-trivial/minimal-document.pdf");
// The crashing file first (files are read in name order), then a good one.
writeFileSync(
  join(intake, "a-crashes-the-reader.pdf"),
  Buffer.concat([readFileSync(minimal), Buffer.from("\n%DOSSIER-TEST-CRASH\n")]),
);
copyFileSync(join(corpus, "py-pdf+sample-files/006-pdflatex-outline/pdflatex-outline.pdf"), join(intake, "b-fine.pdf"));

const processingDone = (d) =>
  d.wait(
    async () => (await (await find(d, "processing")).getAttribute("data-busy")) === "no",
    TIMEOUT * 3,
    "processing finished",
  );

/** The whole list's row whose text names `what`. */
async function row(d, what) {
  await typeInto(await find(d, "search"), "");
  await waitForText(d, "count", (t) => t === "2 documents", "the whole list is shown");
  let found = null;
  await d.wait(
    async () => {
      for (const r of await d.findElements(byTest("row"))) {
        if ((await d.executeScript("return arguments[0].textContent", r)).includes(what)) found = r;
      }
      return found !== null;
    },
    TIMEOUT,
    `a row for ${what}`,
  );
  return found;
}

/** Whether the row's thumbnail loaded (the placeholder icon or a rendered page). */
const thumbnailLoaded = (d, r) =>
  d.executeScript("const i = arguments[0].querySelector('img'); return !!i && i.complete && i.naturalWidth > 0;", r);

let d = await start(app, args);
try {
  await (await find(d, "passphrase")).sendKeys("a long school passphrase");
  await (await find(d, "passphrase-again")).sendKeys("a long school passphrase");
  await (await find(d, "create")).click();
  await (await find(d, "recovery-stored")).click();
  await (await find(d, "recovery-done")).click();
  await find(d, "search");
  const before = appProcess();
  assert.ok(before, "the app is running");

  const r = await invoke(d, "import_paths", { paths: [intake], allowDuplicates: false });
  assert.ok(r.ok, `import started: ${JSON.stringify(r.err)}`);
  await waitForText(d, "count", (t) => t === "2 documents", "both files listed");
  await processingDone(d);
  assert.equal(appProcess()?.pid, before.pid, "the app did not crash");

  // The good file was read after the crash: its text is found.
  await typeInto(await find(d, "search"), '"Huardest gefburn"');
  await waitForText(d, "count", (t) => t === "1 match", "the good file is searchable");

  // The crashing one is listed as failed, with a placeholder thumbnail and a plain reason.
  const bad = await row(d, "a-crashes-the-reader");
  assert.match(await d.executeScript("return arguments[0].textContent", bad), /could not be read/i, "the row says it failed");
  await d.wait(() => thumbnailLoaded(d, bad), TIMEOUT, "the placeholder thumbnail loaded");
  await bad.click();
  await waitForText(d, "unreadable", (t) => t.includes("PDF reader stopped"), "the document says why it is not shown");
  console.log("  ✓ a crashing PDF fails alone, with a reason and a placeholder");
  await d.quit();

  // Started again on that library: it opens (the keyring unlocks it), lists both, and the
  // failed file stays failed (processing does not start on it again).
  d = await start(app, args);
  await waitForText(d, "count", (t) => t === "2 documents", "the library opened again");
  const again = appProcess();
  await processingDone(d);
  const bad2 = await row(d, "a-crashes-the-reader");
  await d.wait(() => thumbnailLoaded(d, bad2), TIMEOUT, "the placeholder shows after restarting");
  assert.equal(appProcess()?.pid, again.pid, "the app did not crash after restarting");
  console.log("  ✓ the app reopens that library without crashing");
} finally {
  await d.quit();
}
console.log("app hostile-file test passed");
