// End-to-end test of the real app: release build, WebKit webview, tauri-driver, Xvfb.
// Run by scripts/test-app.sh (which starts Xvfb, a D-Bus session with a keyring, and
// tauri-driver). Each step saves a screenshot under target/e2e-screens/.
//
//   node tests/app/e2e.mjs <app binary> <library dir> <corpus dir>
//
// The sync steps also drive the `dossier` CLI ($DOSSIER_CLI) as a third desktop.

import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { By, until } from "selenium-webdriver";
import { TIMEOUT, appProcess, byTest, find, hasGpu, invoke, screenshot, session as start, textOf, typeInto, waitForText } from "./driver.mjs";

const [app, library, corpus] = process.argv.slice(2).map((p) => resolve(p));
const screens = resolve("target/e2e-screens");
mkdirSync(screens, { recursive: true });
let step = 0;
const session = (args) => start(app, args);
const cli = process.env.DOSSIER_CLI ?? resolve("target/release/dossier");
const PASSPHRASE = "a long school passphrase";
/** Run the CLI on the first desktop's library (the app must be closed: it holds the lock). */
const dossier = (...args) =>
  execFileSync(cli, ["--library", library, ...args], {
    encoding: "utf8",
    env: { ...process.env, DOSSIER_PASSPHRASE: PASSPHRASE },
  });
const syncState = async (d) => (await find(d, "sync-status")).getAttribute("data-state");
/** Wait for the running sync (if any) to end with the library up to date. */
async function synced(d, what) {
  await d.wait(async () => (await syncState(d)) === "waiting", TIMEOUT, what);
  await waitForText(d, "sync-status", (t) => t.startsWith("Synced"), what);
}

async function shot(d, name) {
  step += 1;
  await screenshot(d, join(screens, `${String(step).padStart(2, "0")}-${name}.png`));
  console.log(`  ✓ ${name}`);
}

async function processingDone(d) {
  await d.wait(
    async () => (await (await find(d, "processing")).getAttribute("data-busy")) === "no",
    TIMEOUT * 3,
    "processing finished",
  );
}

// Corpus files of each kind: text PDFs, office files and a scan read by OCR.
const picks = [
  "py-pdf+sample-files/006-pdflatex-outline/pdflatex-outline.pdf",
  "py-pdf+sample-files/005-libreoffice-writer-password/libreoffice-writer-password.pdf",
  "Unstructured-IO+unstructured/example-docs/page-breaks.docx",
  "openpreserve+format-corpus/office/wordprocessing/odt/demoLibreOfficeImagePasteBug.odt",
  "tesseract-ocr+test/testing/phototest.tif",
];
// Put into a watched folder once the app watches it.
const watchedPicks = [
  "Unstructured-IO+unstructured/example-docs/stanley-cups.csv",
  "ianare+exif-samples/jpg/Kodak_CX7530.jpg",
];
const total = picks.length + watchedPicks.length;
const staging = join(library, "..", "intake");
mkdirSync(staging, { recursive: true });
for (const f of picks) copyFileSync(join(corpus, f), join(staging, f.split("/").pop()));

let d = await session();
try {
  // 1. First run: create the library and confirm the recovery key.
  await (await find(d, "passphrase")).sendKeys(PASSPHRASE);
  await (await find(d, "passphrase-again")).sendKeys(PASSPHRASE);
  await shot(d, "first-run");
  await (await find(d, "create")).click();
  const key = await textOf(d, "recovery-key");
  assert.match(key, /\S{20,}/, "a recovery key is shown");
  await shot(d, "recovery-key");
  const done = await find(d, "recovery-done");
  assert.equal(await done.isEnabled(), false, "cannot go on before confirming the key is stored");
  await (await find(d, "recovery-stored")).click();
  await done.click();
  await find(d, "search");
  assert.ok(existsSync(join(library, "library.json")), `the library was made where asked (${library})`);
  await shot(d, "empty-library");

  // 1b. With no GPU (CI's Xvfb), the app draws in software rather than through Mesa's
  //     software GL, which would map LLVM into it (src-tauri's `rendering`).
  if (process.platform === "linux" && !hasGpu()) {
    const proc = appProcess();
    assert.ok(proc, "the app process is running");
    const gl = readFileSync(`/proc/${proc.pid}/maps`, "utf8")
      .split("\n")
      .filter((l) => /libLLVM|_dri\.so|libgallium/.test(l));
    assert.deepEqual(gl, [], "no GL driver is mapped into the app");
  }

  // 2. Import through the command drag and drop uses.
  const r = await invoke(d, "import_paths", { paths: [staging], allowDuplicates: false });
  assert.ok(r.ok, `import started: ${JSON.stringify(r.err)}`);
  await find(d, "intake");
  await waitForText(d, "count", (t) => t === `${picks.length} documents`, "all files listed");
  await processingDone(d);
  await shot(d, "imported");

  // 2b. A watched folder (added in the settings; files moved into "Imported" once in).
  const watched = join(library, "..", "watched");
  mkdirSync(watched, { recursive: true });
  await (await find(d, "settings-open")).click();
  await (await find(d, "watch-path")).sendKeys(watched);
  await (await d.findElement(By.css("select[aria-label='After adding'] option[value=move]"))).click();
  await (await find(d, "watch-add")).click();
  await d.wait(
    async () => (await (await find(d, "watch-state")).getAttribute("data-state")) === "watching",
    TIMEOUT,
    "the folder is watched",
  );
  await shot(d, "settings-watched");
  await (await d.findElement(By.xpath("//div[@data-testid='settings']/button[text()='Close']"))).click();
  for (const f of watchedPicks) copyFileSync(join(corpus, f), join(watched, f.split("/").pop()));
  await waitForText(d, "intake-source", (t) => t.includes(watched), "the queue names the watched folder");
  await waitForText(d, "count", (t) => t === `${total} documents`, "the watched folder's files are listed");
  const moved = join(watched, "Imported");
  await d.wait(
    () => existsSync(moved) && readdirSync(moved).length === watchedPicks.length,
    TIMEOUT,
    "the watched files moved into Imported",
  );
  assert.deepEqual(readdirSync(watched).sort(), ["Imported"], "nothing is left beside Imported");
  await processingDone(d);
  await shot(d, "watched-imported");

  // 3. Search for a phrase and open the hit.
  const search = await find(d, "search");
  await search.sendKeys('"Huardest gefburn"');
  await d.wait(until.elementLocated(byTest("snippet")), TIMEOUT);
  await shot(d, "search");
  const rows = await d.findElements(byTest("row"));
  assert.ok(rows.length > 0, "the search has hits");
  await rows[0].click();
  await find(d, "document");
  await waitForText(d, "doc-title", (t) => t.length > 0, "the document opened");
  const id = await rows[0].getAttribute("data-id");

  // 4. The preview: the first page rendered through dossier:// (the image loaded).
  await find(d, "page-image");
  await d.wait(
    () => d.executeScript(
      "const i = document.querySelector('[data-testid=page-image]'); return !!i && i.complete && i.naturalWidth > 0;",
    ),
    TIMEOUT,
    "the first page image loaded",
  );
  await shot(d, "preview");

  // 5. Edit the metadata.
  await (await find(d, "tab-details")).click();
  await typeInto(await find(d, "edit-type"), "Transcript");
  await typeInto(await find(d, "edit-tags"), "graduated, 2024");
  await (await find(d, "save")).click();
  await waitForText(d, "save", (t) => t === "Saved", "metadata saved");
  await waitForText(d, "facets", (t) => t.includes("Transcript") && t.includes("graduated"), "facets show the edit");
  await shot(d, "metadata");

  // 6. A new version (the command the document view's drop target uses), then restore
  //    the first one.
  const v2 = join(library, "..", "version-2.pdf");
  copyFileSync(join(corpus, "py-pdf+sample-files/001-trivial/minimal-document.pdf"), v2);
  const added = await invoke(d, "add_version", { id, path: v2, note: "corrected scan" });
  assert.ok(added.ok !== undefined, `version added: ${JSON.stringify(added.err)}`);
  await (await find(d, "tab-versions")).click();
  await d.wait(async () => (await d.findElements(By.css("[data-testid=versions] li"))).length === 2, TIMEOUT, "two versions");
  await shot(d, "versions");
  await (await find(d, "compare-1")).click();
  await waitForText(d, "diff-summary", (t) => /\d+ lines? added, \d+ removed/.test(t), "the comparison");
  const compared = await textOf(d, "compare");
  assert.ok(compared.includes("Version 1 → version 2"), compared);
  await shot(d, "compare");
  await (await d.findElement(By.xpath("//button[text()='Back to versions']"))).click();
  await (await find(d, "restore-1")).click();
  await d.wait(async () => (await d.findElements(By.css("[data-testid=versions] li"))).length === 3, TIMEOUT, "restored as version 3");
  await shot(d, "restored");

  // 7. Trash and restore.
  await (await find(d, "trash")).click();
  await waitForText(d, "count", (t) => t.startsWith("0 "), "trashed documents leave the search");
  await typeInto(await find(d, "search"), "");
  await (await find(d, "show-trash")).click();
  await waitForText(d, "count", (t) => t === "1 document", "the trash holds it");
  await shot(d, "trash");
  await (await find(d, "untrash")).click();
  await waitForText(d, "count", (t) => t === "0 documents", "restored from the trash");
  await (await find(d, "show-library")).click();
  await waitForText(d, "count", (t) => t === `${total} documents`, "back in the library");
  await shot(d, "untrashed");

  // 8. Export (the command the Export… button calls once a folder is picked), then
  //    empty the trash of another document.
  const exportDir = join(library, "..", "export");
  const exported = await invoke(d, "export_documents", { ids: [id], folder: exportDir });
  assert.ok(exported.ok, `exported: ${JSON.stringify(exported.err)}`);
  assert.equal(exported.ok.documents, 1);
  const manifest = JSON.parse(readFileSync(join(exportDir, "manifest.json"), "utf8"));
  assert.equal(manifest.length, 1);
  assert.equal(statSync(join(exportDir, manifest[0].file)).size, manifest[0].size, "the exported file is whole");
  await typeInto(await find(d, "search"), "phototest");
  await waitForText(d, "count", (t) => t === "1 match", "the scan is found");
  await (await d.wait(until.elementLocated(byTest("row")), TIMEOUT)).click();
  await waitForText(d, "doc-title", (t) => t.includes("phototest"), "the scan opened");
  //    A legal hold keeps it through emptying the trash; lifted, it goes.
  await (await find(d, "tab-details")).click();
  await typeInto(await find(d, "hold-reason"), "records request 12");
  await (await find(d, "hold-toggle")).click();
  await waitForText(d, "hold-state", (t) => t.startsWith("Under a legal hold"), "the hold is placed");
  await shot(d, "legal-hold");
  await (await find(d, "trash")).click();
  await typeInto(await find(d, "search"), "");
  await (await find(d, "show-trash")).click();
  await waitForText(d, "count", (t) => t === "1 document", "the scan is in the trash");
  await (await find(d, "empty-trash")).click();
  await shot(d, "empty-trash-confirm");
  await (await find(d, "empty-trash-yes")).click();
  await waitForText(d, "emptied", (t) => t.startsWith("0 deleted for good") && t.includes("legal hold"), "the hold kept it");
  await waitForText(d, "count", (t) => t === "1 document", "still in the trash");
  await (await find(d, "tab-history")).click();
  await waitForText(
    d,
    "audit",
    (t) => t.includes("hold_placed") && t.includes("records request 12") && t.includes("viewed"),
    "the history has the hold, and the view of the scan (its access log)",
  );
  await (await find(d, "tab-details")).click();
  await (await find(d, "hold-toggle")).click();
  await waitForText(d, "hold-state", (t) => t === "No legal hold.", "the hold is lifted");
  await (await find(d, "empty-trash")).click();
  await (await find(d, "empty-trash-yes")).click();
  await waitForText(d, "emptied", (t) => t.startsWith("1 deleted for good"), "the trash was emptied");
  await waitForText(d, "count", (t) => t === "0 documents", "the trash is empty");
  await shot(d, "trash-emptied");
  await (await find(d, "show-library")).click();
  await waitForText(d, "count", (t) => t === `${total - 1} documents`, "the rest is still there");
  //    The records screen: a schedule on transcripts (kept a year after they were added)
  //    dates the transcript.
  //    (The document emptied from the trash is still open: its pane says it is gone.)
  for (const close of await d.findElements(By.css("button.icon[title=Close]"))) await close.click();
  await (await find(d, "go-records")).click();
  await typeInto(await find(d, "series-type"), "Transcript");
  await typeInto(await find(d, "series-name"), "Academic records");
  await typeInto(await find(d, "series-years"), "1");
  await (await find(d, "series-after")).findElement(By.css('option[value="created"]')).click();
  await (await find(d, "series-save")).click();
  await waitForText(d, "series", (t) => t.includes("Academic records") && t.includes("kept 1 year after it was added"), "the schedule is set");
  await (await find(d, "disposition-all")).click();
  await waitForText(d, "disposition", (t) => t.includes("Kept") && t.includes("Academic records"), "the transcript is dated");
  await shot(d, "records");
  //    Its reports, as the Records screen's PDF and CSV buttons write them once a folder
  //    is picked: the retention report lists the transcript's series, the access report
  //    the views of this run.
  const reports = join(library, "..", "reports");
  mkdirSync(reports, { recursive: true });
  for (const [report, form, expect] of [
    [{ report: "retention" }, "csv", "Academic records"],
    [{ report: "access" }, "csv", "viewed"],
    [{ report: "retention" }, "pdf", "%PDF-1.4"],
  ]) {
    const written = await invoke(d, "write_report", { report, folder: reports, form });
    assert.ok(written.ok, `report written: ${JSON.stringify(written.err)}`);
    assert.ok(readFileSync(written.ok, "latin1").includes(expect), `${written.ok} has ${expect}`);
  }
  await (await find(d, "go-documents")).click();
  await d.quit();

  // 9. Reopen: the keyring unlocks it, and everything is as it was left.
  d = await session();
  await (await find(d, "search")).sendKeys("type:transcript");
  await waitForText(d, "count", (t) => t === "1 match", "the edited type is still there");
  await (await d.wait(until.elementLocated(byTest("row")), TIMEOUT)).click();
  await (await find(d, "tab-versions")).click();
  await d.wait(async () => (await d.findElements(By.css("[data-testid=versions] li"))).length === 3, TIMEOUT, "three versions after reopening");
  await shot(d, "reopened");
  await (await find(d, "settings-open")).click();
  await d.wait(
    async () => (await (await find(d, "watch-state")).getAttribute("data-state")) === "watching",
    TIMEOUT,
    "the watched folder is still watched after reopening",
  );
  await shot(d, "reopened-settings");

  // 10. Share the library through a folder (what a network share is) and sync.
  const remoteDir = join(library, "..", "remote");
  mkdirSync(remoteDir, { recursive: true });
  const remoteUrl = pathToFileURL(remoteDir).href;
  await typeInto(await find(d, "remote-url"), remoteUrl);
  await (await find(d, "remote-add")).click();
  await find(d, "remote-shown");
  await synced(d, "the first sync finished");
  assert.ok(readdirSync(join(remoteDir, "journal")).length > 0, "the journal is on the remote");
  assert.ok(existsSync(join(remoteDir, "dossier.repo")), "the remote keeps the library");
  await shot(d, "synced");
  await d.quit();

  // 11. A second desktop joins from the remote on its first run: the catalog comes
  //     first, then processing reads every document, fetching its content.
  const library2 = join(library, "..", "library-2");
  const desktop2 = ["--library", library2, "--settings", join(library, "..", "settings-2.json")];
  d = await session(desktop2);
  await (await find(d, "join-choose")).click();
  await typeInto(await find(d, "join-url"), remoteUrl);
  await (await find(d, "join-secret")).sendKeys("not the passphrase");
  await (await find(d, "join-submit")).click();
  await find(d, "error-note");
  assert.ok(!existsSync(join(library2, "library.json")), "a wrong passphrase leaves no library");
  await shot(d, "join-wrong-passphrase");
  await typeInto(await find(d, "join-secret"), PASSPHRASE);
  await (await find(d, "join-submit")).click();
  await waitForText(d, "count", (t) => t === `${total - 1} documents`, "the catalog came down");
  await synced(d, "the first download finished");
  // Each record's content is also under a key of its own, which comes under the erasure
  // key that only desktops' keyrings hold: this desktop asked for it at its first sync,
  // and the first desktop (its CLI here, while its app is closed) gives it at its next.
  const gave = JSON.parse(dossier("sync", "--no-process", "--json"));
  assert.equal(gave.erasure?.given, 1, `the first desktop gave the erasure key: ${JSON.stringify(gave.erasure)}`);
  await (await find(d, "sync-now")).click();
  await d.wait(async () => (await invoke(d, "erasure_state", {})).ok?.held === true, TIMEOUT, "the erasure key came");
  // Processing, which waited for the records' keys, reads them now.
  const query = { text: '"Huardest gefburn"', offset: 0, limit: 10, sort: "date", reverse: false, doc_type: null,
                  tags: [], year: null, from: null, until: null, status: null, trashed: false, snippets: false };
  await d.wait(async () => (await invoke(d, "search", { query })).ok?.hits.length > 0, TIMEOUT * 3, "searchable");
  await processingDone(d);
  await typeInto(await find(d, "search"), '"Huardest gefburn"');
  await d.wait(until.elementLocated(byTest("snippet")), TIMEOUT);
  await shot(d, "joined");

  // 12. Both desktops change one document before hearing of the other's change: both
  //     versions are kept, the document is flagged, and keeping one clears the flag.
  const second = join(library, "..", "from-desktop-2.txt");
  writeFileSync(second, "Changed on the second desktop.\n");
  const mine = await invoke(d, "add_version", { id, path: second, note: "second desktop" });
  assert.ok(mine.ok !== undefined, `version added: ${JSON.stringify(mine.err)}`);
  const first = join(library, "..", "from-desktop-1.txt");
  writeFileSync(first, "Changed on the first desktop.\n");
  dossier("add-version", id, first, "--note", "first desktop");
  dossier("sync", "--no-process");
  await (await find(d, "sync-now")).click();
  await waitForText(d, "sync-concurrent", (t) => t.startsWith("1 document"), "the document is flagged");
  await shot(d, "concurrent-flagged");
  await (await find(d, "sync-concurrent")).click();
  await (await find(d, "concurrent-doc")).click();
  await (await find(d, "tab-versions")).click();
  await find(d, "concurrent-note");
  const shown = await invoke(d, "document", { id });
  const keep = shown.ok.versions.find((v) => v.note === "second desktop");
  assert.ok(keep?.head, `the second desktop's version is a head: ${JSON.stringify(shown.ok.versions)}`);
  await (await find(d, `keep-version-${keep.number}`)).click();
  await d.wait(async () => (await d.findElements(byTest("concurrent-note"))).length === 0, TIMEOUT, "the flag cleared");
  await shot(d, "concurrent-resolved");
  await (await find(d, "sync-now")).click();
  await synced(d, "the choice was sent");
  await waitForText(d, "sync-status", (t) => !t.includes("to send"), "nothing left to send");
  await d.quit();
  dossier("sync", "--no-process");
  const after = JSON.parse(dossier("show", id, "--json"));
  assert.equal(after.document.concurrent_versions, false, "the first desktop has the choice");
  assert.equal(after.versions.length, 6, "every version is kept");
  assert.match(after.versions.at(-1).note, /kept version/);
  // The second desktop opens again on its own (key in the keyring), all there.
  d = await session(desktop2);
  await waitForText(d, "count", (t) => t === `${total - 1} documents`, "the second desktop reopened");
  await synced(d, "the second desktop synced at start");
} catch (e) {
  await shot(d, "failure").catch(() => {});
  throw e;
} finally {
  await d.quit();
}
// 13. Nothing readable at rest, after all of the above: no passage, file name, note,
//     tag or hold reason appears in either desktop's library, the remote, or the
//     temporary files, caches and webview data of this run (test-app.sh gives the app
//     folders of its own for them); and every library file is private.
const secrets = [
  "Huardest gefburn", // a passage of the first PDF
  "lazy fox", // read by OCR from the scan
  "pdflatex-outline", // file names, which are also the titles
  "libreoffice-writer-password",
  "demoLibreOfficeImagePasteBug",
  "stanley-cups",
  "Kodak_CX7530",
  "phototest",
  "corrected scan", // a version's note
  "records request 12", // a hold's reason
  "graduated", // a tag
  "Changed on the second desktop", // a version's content
];
/** Every file under `dir` (nothing when it does not exist), with folders. */
function walk(dir, out = { files: [], dirs: [] }) {
  if (!existsSync(dir)) return out;
  out.dirs.push(dir);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.files.push(p);
  }
  return out;
}
const libraries = [library, join(library, "..", "library-2")];
const places = [...libraries, join(library, "..", "remote")];
for (const v of ["TMPDIR", "XDG_CACHE_HOME", "XDG_DATA_HOME"]) {
  assert.ok(process.env[v], `test-app.sh gives the app its own ${v}`);
  places.push(process.env[v]);
}
let scanned = 0;
for (const place of places) {
  for (const f of walk(place).files) {
    const bytes = readFileSync(f);
    scanned += bytes.length;
    for (const s of secrets) {
      for (const form of [Buffer.from(s, "utf8"), Buffer.from(s, "utf16le")]) {
        assert.equal(bytes.indexOf(form), -1, `${JSON.stringify(s)} is readable in ${f}`);
      }
    }
  }
}
assert.ok(scanned > 1 << 20, `the scan read the libraries (${scanned} bytes)`);
if (process.platform !== "win32") {
  for (const lib of libraries) {
    const { files, dirs } = walk(lib);
    assert.ok(files.length > 10, `${lib} holds files`);
    for (const p of dirs) assert.equal(statSync(p).mode & 0o777, 0o700, `${p} is private`);
    for (const p of files) assert.equal(statSync(p).mode & 0o777, 0o600, `${p} is private`);
  }
}
console.log(`  ✓ nothing readable in ${(scanned / 1048576).toFixed(1)} MiB of libraries, remote, caches and temporary files`);
console.log(`app e2e passed; screenshots in ${screens}`);
