// End-to-end test of the real app: release build, WebKit webview, tauri-driver, Xvfb.
// Run by scripts/test-app.sh (which starts Xvfb, a D-Bus session with a keyring, and
// tauri-driver). Each step saves a screenshot under target/e2e-screens/.
//
//   node tests/app/e2e.mjs <app binary> <library dir> <corpus dir>

import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync, copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Builder, By, until } from "selenium-webdriver";

const [app, library, corpus] = process.argv.slice(2).map((p) => resolve(p));
const screens = resolve("target/e2e-screens");
mkdirSync(screens, { recursive: true });
const TIMEOUT = 120_000;
let step = 0;

async function session() {
  const caps = { browserName: "wry", "tauri:options": { application: app } };
  return new Builder().usingServer("http://127.0.0.1:4444/").withCapabilities(caps).build();
}

/** Wait two animation frames (a screenshot right after a change can be stale), then save. */
async function shot(d, name) {
  await d.executeAsyncScript(
    "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
  );
  step += 1;
  const file = join(screens, `${String(step).padStart(2, "0")}-${name}.png`);
  writeFileSync(file, await d.takeScreenshot(), "base64");
  console.log(`  ✓ ${name}`);
}

const byTest = (id) => By.css(`[data-testid="${id}"]`);
const find = (d, id) => d.wait(until.elementLocated(byTest(id)), TIMEOUT);

/** Call a backend command the way the UI does (the same IPC as the drop handler). */
async function invoke(d, cmd, args) {
  return d.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
       .then((v) => done({ ok: v }), (e) => done({ err: e }));`,
    cmd,
    args,
  );
}

async function waitForText(d, id, pred, what) {
  await d.wait(async () => pred(await (await find(d, id)).getText()), TIMEOUT, what);
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
const staging = join(library, "..", "intake");
mkdirSync(staging, { recursive: true });
for (const f of picks) copyFileSync(join(corpus, f), join(staging, f.split("/").pop()));

let d = await session();
try {
  // 1. First run: create the library and confirm the recovery key.
  await (await find(d, "passphrase")).sendKeys("a long school passphrase");
  await (await find(d, "passphrase-again")).sendKeys("a long school passphrase");
  await shot(d, "first-run");
  await (await find(d, "create")).click();
  const key = await (await find(d, "recovery-key")).getText();
  assert.match(key, /\S{20,}/, "a recovery key is shown");
  await shot(d, "recovery-key");
  const done = await find(d, "recovery-done");
  assert.equal(await done.isEnabled(), false, "cannot go on before confirming the key is stored");
  await (await find(d, "recovery-stored")).click();
  await done.click();
  await find(d, "search");
  await shot(d, "empty-library");

  // 2. Import through the command drag and drop uses.
  const r = await invoke(d, "import_paths", { paths: [staging], allowDuplicates: false });
  assert.ok(r.ok, `import started: ${JSON.stringify(r.err)}`);
  await find(d, "intake");
  await waitForText(d, "count", (t) => t === `${picks.length} documents`, "all files listed");
  await processingDone(d);
  await shot(d, "imported");

  // 3. Search for a phrase and open the hit.
  const search = await find(d, "search");
  await search.sendKeys('"Huardest gefburn"');
  await d.wait(until.elementLocated(byTest("snippet")), TIMEOUT);
  await shot(d, "search");
  const rows = await d.findElements(byTest("row"));
  assert.ok(rows.length > 0, "the search has hits");
  await rows[0].click();
  await find(d, "document");
  await shot(d, "document");
} catch (e) {
  await shot(d, "failure").catch(() => {});
  throw e;
} finally {
  await d.quit();
}
console.log(`app e2e passed; screenshots in ${screens}`);
