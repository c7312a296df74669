// Filing in the real app (issue 20): a roster imported, the documents a programme
// requires, an intake rule made and tested on the rules screen, a person's dossier whose
// checklist changes when the missing document is dropped, documents given a person in
// bulk and found by the Person facet, her whole record exported as a ZIP, her transcript
// disclosed to another school (the form asks for the party; the disclosure is in her
// report), a type
// suggested from what was filed and accepted with one key, typed fields defined and
// filled in, a search saved as a view and found after a restart, the keyboard alone, and
// a Word document as pages, opened from a search hit at the hit's page with the words
// marked, and a due record destroyed from the Records screen with its certificate opened.
// Every screen shot is also checked by axe-core. Run by scripts/test-app.sh after
// e2e.mjs; screenshots under target/e2e-screens/filing-*.png.
//
//   node tests/app/filing.mjs <app binary> <scratch dir> <corpus dir>

import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { By, Key, until } from "selenium-webdriver";
import { TIMEOUT, accessible, byTest, find, invoke, screenshot, session as start, textOf, typeInto, waitForText } from "./driver.mjs";

const [app, scratch, corpus] = process.argv.slice(2).map((p) => resolve(p));
const schoolDocs = resolve("tests/school-docs");
const library = join(scratch, "library");
const args = ["--library", library, "--settings", join(scratch, "settings.json")];
const screens = resolve("target/e2e-screens");
mkdirSync(screens, { recursive: true });
mkdirSync(scratch, { recursive: true });

const roster = join(scratch, "roster.csv");
writeFileSync(
  roster,
  "Student ID,Last Name,First Name,Date of Birth,Program,Status\n" +
    "2024-0173,Okafor,Ada,2008-03-14,Science,active\n" +
    "2024-0174,Lindqvist,Bo,2008-11-02,Science,active\n" +
    "2024-0175,Moreau,Chloé,2009-01-30,Arts,active\n",
);
const badRoster = join(scratch, "bad-roster.csv");
writeFileSync(badRoster, "Student ID,Name,Date of Birth\n2024-0200,Dee Ex,31/31/2008\n2024-0200,Dee Again,\n");

// The transcript comes later, dropped while the person's dossier is open.
const first = join(scratch, "first");
const later = join(scratch, "later");
mkdirSync(first, { recursive: true });
mkdirSync(later, { recursive: true });
copyFileSync(join(corpus, "py-pdf+sample-files/001-trivial/minimal-document.pdf"), join(first, "letter home.pdf"));
copyFileSync(join(corpus, "ianare+exif-samples/jpg/Kodak_CX7530.jpg"), join(first, "photo.jpg"));
copyFileSync(join(corpus, "py-pdf+sample-files/006-pdflatex-outline/pdflatex-outline.pdf"), join(later, "Transcript 2024-0173.pdf"));

let step = 0;
// Every screen shot is also checked for accessibility (axe-core: no serious violations).
async function shot(d, name) {
  await accessible(d, name);
  step += 1;
  await screenshot(d, join(screens, `filing-${String(step).padStart(2, "0")}-${name}.png`));
  console.log(`  ✓ ${name}`);
}

const attr = async (d, id, name) => (await find(d, id)).getAttribute(name);
async function checklist(d) {
  const out = {};
  for (const item of await d.findElements(byTest("checklist-item"))) {
    out[await item.getAttribute("data-type")] = await item.getAttribute("data-state");
  }
  return out;
}

let d = await start(app, args);
try {
  await find(d, "passphrase");
  await shot(d, "first-run");
  await (await find(d, "passphrase")).sendKeys("a long school passphrase");
  await (await find(d, "passphrase-again")).sendKeys("a long school passphrase");
  await (await find(d, "create")).click();
  await (await find(d, "recovery-stored")).click();
  await (await find(d, "recovery-done")).click();
  await find(d, "search");

  // 1. A roster with bad lines imports nothing and names each problem; a good one imports,
  //    after a trial that counts what it would do.
  const bad = await invoke(d, "import_roster", { path: badRoster, kind: "student", trial: true });
  assert.equal(bad.ok?.outcome, "rejected", `a bad roster is refused: ${JSON.stringify(bad)}`);
  assert.ok(bad.ok.problems.some((p) => p.startsWith("line 2")), `line 2 is named: ${bad.ok.problems}`);
  assert.ok(bad.ok.problems.some((p) => p.startsWith("line 3")), `line 3 is named: ${bad.ok.problems}`);
  const trial = await invoke(d, "import_roster", { path: roster, kind: "student", trial: true });
  assert.deepEqual([trial.ok?.outcome, trial.ok?.added], ["done", 3], `the trial counts: ${JSON.stringify(trial)}`);
  await (await find(d, "go-people")).click();
  await find(d, "people");
  assert.equal((await d.findElements(byTest("person-row"))).length, 0, "a trial adds no one");
  const done = await invoke(d, "import_roster", { path: roster, kind: "student", trial: false });
  assert.equal(done.ok?.added, 3, `the roster imported: ${JSON.stringify(done)}`);
  await d.wait(async () => (await d.findElements(byTest("person-row"))).length === 3, TIMEOUT, "three people listed");
  await typeInto(await find(d, "people-search"), "okafor");
  await d.wait(async () => (await d.findElements(byTest("person-row"))).length === 1, TIMEOUT, "one person found by name");

  // 2. What every programme requires, set on the People screen.
  await typeInto(await find(d, "requirements-types"), "Transcript, ID photo");
  await (await find(d, "requirements-save")).click();
  await waitForText(d, "requirements", (t) => t.includes("Every programme: Transcript, ID photo"), "the list is saved");
  await shot(d, "people");

  // 3. The person's dossier: both required documents missing.
  await (await find(d, "person-row")).click();
  await waitForText(d, "person-name", (t) => t === "Ada Okafor", "Ada's dossier opened");
  await d.wait(async () => (await attr(d, "checklist", "data-missing")) === "2", TIMEOUT, "two documents missing");
  assert.deepEqual(await checklist(d), { Transcript: "missing", "ID photo": "missing" });
  await waitForText(d, "person-timeline", (t) => t.includes("2008-03-14") && t.includes("Born"), "the timeline has her birth");

  // 4. An intake rule made on the rules screen: transcripts by file name, the student
  //    from the number in it. Testing it on what is filed shows nothing to change yet.
  await (await find(d, "go-rules")).click();
  await (await find(d, "rule-new")).click();
  await typeInto(await find(d, "rule-name"), "Transcripts");
  await typeInto(await find(d, "rule-condition-value"), "transcript");
  await typeInto(await find(d, "rule-action-value"), "Transcript");
  await (await d.findElement(By.xpath("//button[text()='Add an action']"))).click();
  const actions = await d.findElements(byTest("rule-action"));
  await (await actions[1].findElement(By.css("select option[value=subject]"))).click();
  await (await actions[1].findElement(By.css("input"))).sendKeys("(\\d{4}-\\d{4})");
  await (await find(d, "rule-test")).click();
  await d.wait(async () => (await attr(d, "rule-hits", "data-count")) === "0", TIMEOUT, "nothing filed yet to change");
  await (await find(d, "rule-save")).click();
  await waitForText(d, "rules", (t) => t.includes("when file name transcript"), "the rule is listed");
  await shot(d, "rules");

  // 5. Two documents filed to Bo in bulk from the list.
  const r = await invoke(d, "import_paths", { paths: [first], allowDuplicates: false });
  assert.ok(r.ok, `import started: ${JSON.stringify(r.err)}`);
  await (await find(d, "go-documents")).click();
  await waitForText(d, "count", (t) => t === "2 documents", "both files listed");
  const rows = await d.findElements(byTest("row"));
  await rows[0].click();
  await d.actions().keyDown(Key.CONTROL).click(rows[1]).keyUp(Key.CONTROL).perform();
  await (await find(d, "bulk-person")).sendKeys("2024-0174");
  await (await find(d, "bulk-person-set")).click();
  await d.wait(async () => (await d.findElements(byTest("bulk"))).length === 0, TIMEOUT, "the bulk action finished");
  //    The Person facet counts them under Bo's name, and filters to them.
  const bo = '[data-testid="facet-person"] [data-value="2024-0174"]';
  await d.wait(
    async () => (await d.findElements(By.css(bo))).length === 1 && (await (await d.findElement(By.css(bo))).getAttribute("textContent")).includes("Bo Lindqvist (2024-0174)"),
    TIMEOUT,
    "the Person facet names Bo",
  );
  await (await d.findElement(By.css(`${bo} input`))).click();
  await waitForText(d, "count", (t) => t === "2 documents", "Bo's documents");
  await (await d.findElement(By.css(`${bo} input`))).click();
  await (await find(d, "go-people")).click();
  await typeInto(await find(d, "people-search"), "2024-0174");
  await d.wait(
    async () => (await textOf(d, "people-list")).includes("Bo Lindqvist") && (await d.findElements(byTest("person-row"))).length === 1,
    TIMEOUT,
    "Bo found",
  );
  await d.wait(async () => (await attr(d, "person-row", "data-documents")) === "2", TIMEOUT, "Bo has two documents");

  // 6. Ada's dossier is open when her transcript is dropped: the rule files it under her
  //    as a transcript, and the checklist changes without reopening anything.
  await typeInto(await find(d, "people-search"), "2024-0173");
  await d.wait(async () => (await d.findElements(byTest("person-row"))).length === 1, TIMEOUT, "Ada found by number");
  await (await find(d, "person-row")).click();
  await waitForText(d, "person-name", (t) => t === "Ada Okafor", "Ada's dossier opened again");
  const dropped = await invoke(d, "import_paths", { paths: [later], allowDuplicates: false });
  assert.ok(dropped.ok, `import started: ${JSON.stringify(dropped.err)}`);
  await d.wait(async () => (await attr(d, "checklist", "data-missing")) === "1", TIMEOUT, "one document missing now");
  assert.deepEqual(await checklist(d), { Transcript: "present", "ID photo": "missing" });
  await waitForText(d, "person-documents", (t) => t.includes("Transcript 2024-0173"), "the transcript is in her dossier");
  //    With nothing to look at, the "Adding files" panel steps aside (off the document pane).
  await d.wait(async () => (await attr(d, "intake", "data-settled")) === "yes", TIMEOUT, "the intake panel steps aside");
  await shot(d, "dossier");

  // 7. The transcript opens from the dossier and says whom it is about.
  await (await d.findElement(By.xpath("//*[@data-testid='person-documents']//button[contains(., 'Transcript 2024-0173')]"))).click();
  await waitForText(d, "doc-person", (t) => t === "Ada Okafor (2024-0173)", "the document names Ada");
  await shot(d, "document-person");

  // 8. Her whole record as a ZIP (the command the "Export record…" button calls once a
  //    folder is picked): the transcript and a manifest in it.
  const person = await (await find(d, "person")).getAttribute("data-person");
  const out = join(scratch, "export");
  mkdirSync(out, { recursive: true });
  const zipped = await invoke(d, "export_person", { id: person, folder: out });
  assert.ok(zipped.ok, `exported: ${JSON.stringify(zipped.err)}`);
  assert.equal(basename(zipped.ok), "Record of Ada Okafor (2024-0173).zip");
  const zip = readFileSync(zipped.ok);
  assert.equal(zip.subarray(0, 2).toString(), "PK", "a ZIP file");
  for (const name of ["manifest.json", "Transcript/Transcript 2024-0173.pdf"]) {
    assert.ok(zip.includes(Buffer.from(name)), `${name} is in the ZIP`);
  }
  console.log("  ✓ person-zip");

  // 8b. Her transcript disclosed to another school (34 CFR 99.32): the form asks for the
  //     party, their interest and the basis before it writes anything; the ZIP is
  //     encrypted with a password shown once; the disclosure is in her list and in the
  //     report she may inspect.
  await (await find(d, "disclose")).click();
  await find(d, "disclose-form");
  const write = await find(d, "disclose-export");
  assert.equal(await write.isEnabled(), false, "nothing is written before the party is named");
  await typeInto(await find(d, "disclose-party"), "Northside High School, registrar");
  await typeInto(await find(d, "disclose-interest"), "Ada is enrolling there");
  await (await d.findElement(By.css("[data-testid='disclose-basis'] option[value='other_school']"))).click();
  await (
    await d.findElement(By.xpath("//*[@data-testid='disclose-form']//label[contains(., 'Transcript 2024-0173')]/input"))
  ).click();
  const disclosed = join(scratch, "disclosed");
  mkdirSync(disclosed, { recursive: true });
  await typeInto(await find(d, "disclose-folder"), disclosed);
  await (await find(d, "disclose-redact")).click();
  await d.wait(async () => write.isEnabled(), TIMEOUT, "the form is complete");
  await shot(d, "disclose-form");
  await write.click();
  await waitForText(d, "disclosure-password", (t) => /^[a-z2-9]{5}(-[a-z2-9]{5}){4}$/.test(t), "a password shown once");
  const archives = readdirSync(disclosed);
  assert.deepEqual(archives, [`Disclosure to Northside High School, registrar (${new Date().toLocaleDateString("en-CA")}).zip`]);
  const archive = readFileSync(join(disclosed, archives[0]));
  assert.ok(!archive.includes(Buffer.from("Transcript")), "the encrypted archive's names say nothing");
  await shot(d, "disclosure-made");
  await (await d.findElement(By.xpath("//*[@data-testid='disclosure-made']//button[.='Done']"))).click();
  await waitForText(d, "disclosure-list", (t) => t.includes("Northside High School, registrar"), "the disclosure is listed");
  const report = await invoke(d, "write_report", { report: { report: "disclosures", student: person }, folder: disclosed, form: "csv" });
  assert.ok(report.ok, `report written: ${JSON.stringify(report.err)}`);
  const csv = readFileSync(report.ok, "utf8").trim().split("\n");
  assert.equal(csv.length, 2, `one disclosure in the report: ${csv}`);
  assert.ok(csv[1].includes("Northside High School, registrar") && csv[1].includes("Transcript 2024-0173"), csv[1]);
  console.log("  ✓ disclosure-report");

  // 9. Suggestions learned from filing: two immunisation records (tagged Health) and two
  //    consent forms filed by hand, then a third immunisation record, unfiled, is
  //    suggested its type and tag, accepted with one key; a note naming a student is
  //    suggested that student.
  const labels = readFileSync(join(schoolDocs, "labels.tsv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split("\t"));
  const of = (type) => labels.filter(([, t, format]) => t === type && format !== "scan").slice(0, 3).map(([f]) => f);
  const shots = { "Immunisation record": of("Immunisation record"), "Consent form": of("Consent form") };
  const filed = join(scratch, "filed");
  mkdirSync(filed, { recursive: true });
  for (const f of Object.values(shots).flat()) copyFileSync(join(schoolDocs, "files", f), join(filed, f));
  const note = "bus pass.txt";
  writeFileSync(join(filed, note), "Bus pass renewal\nStudent: Moreau, Chloé\nRoute 7 from September.\n");
  const more = await invoke(d, "import_paths", { paths: [filed], allowDuplicates: false });
  assert.ok(more.ok, `import started: ${JSON.stringify(more.err)}`);
  // Listed once imported (the import runs after the command answers), then read.
  const everything = { text: "", offset: 0, limit: 100, sort: "date", reverse: false, doc_type: null, tags: [],
                       year: null, from: null, until: null, status: null, trashed: false, snippets: false };
  let listed = null;
  const names = [...Object.values(shots).flat(), note];
  await d.wait(
    async () => {
      listed = await invoke(d, "search", { query: everything });
      return names.every((f) => listed.ok?.hits.some((h) => h.file_name === f));
    },
    TIMEOUT,
    "the filed documents are listed",
  );
  const idOf = (file) => listed.ok.hits.find((h) => h.file_name === file)?.id;
  await d.wait(
    async () => {
      for (const f of names) {
        const text = await invoke(d, "document_text", { id: idOf(f), version: null });
        if (!text.ok?.some((p) => p.text.trim() !== "")) return false;
      }
      return true;
    },
    TIMEOUT * 2,
    "and their text read",
  );
  for (const [type, files] of Object.entries(shots)) {
    for (const f of files.slice(0, 2)) {
      const r = await invoke(d, "edit_metadata", {
        id: idOf(f),
        edit: {
          title: null,
          doc_type: type,
          subject_id: null,
          subject_name: null,
          add_tags: type === "Immunisation record" ? ["Health"] : [],
          remove_tags: [],
          fields: {},
        },
      });
      assert.ok(!r.err, `typed ${f}: ${JSON.stringify(r.err)}`);
    }
  }
  const untyped = shots["Immunisation record"][2];
  await (await find(d, "go-documents")).click();
  await typeInto(await find(d, "search"), "");
  await waitForText(d, "count", (t) => t === "10 documents", "every document listed");
  const rowOf = async (id) => d.findElement(By.css(`[data-testid="row"][data-id="${id}"]`));
  await (await rowOf(idOf(untyped))).click();
  await d.wait(
    async () => (await attr(d, "suggestion", "data-type")) === "Immunisation record",
    TIMEOUT,
    "an immunisation record is suggested",
  );
  assert.equal(await attr(d, "suggestion-tag", "data-tag"), "Health", "with the tag its like carry");
  await shot(d, "suggestion");
  await d.findElement(By.css("body")).sendKeys("y");
  await d.wait(async () => (await d.findElements(byTest("suggestion"))).length === 0, TIMEOUT, "accepted");
  const typed = await invoke(d, "document", { id: idOf(untyped) });
  assert.equal(typed.ok.doc_type, "Immunisation record", "one key filed it");
  assert.deepEqual(typed.ok.tags, ["Health"], "and tagged it");
  await (await rowOf(idOf(note))).click();
  await d.wait(async () => (await attr(d, "suggestion-person", "data-person")) === "2024-0175", TIMEOUT, "Chloé is suggested");
  await (await find(d, "suggestion-person")).click();
  await waitForText(d, "doc-person", (t) => t === "Chloé Moreau (2024-0175)", "the note is filed under Chloé");
  await (await rowOf(idOf(untyped))).click();
  await waitForText(d, "doc-title", (t) => t === typed.ok.title, "the immunisation record open again");

  // 10. Typed fields: every immunisation record gets a number and a choice list, defined
  //     in the document view; a dose that is not a number is refused with what it takes.
  await (await find(d, "tab-details")).click();
  await (await find(d, "define-fields")).click();
  await (await find(d, "def-name")).sendKeys("Dose");
  await (await find(d, "def-kind")).findElement(By.css("option[value=number]")).then((o) => o.click());
  await (await find(d, "def-add")).click();
  const names2 = await d.findElements(byTest("def-name"));
  await names2[1].sendKeys("Vaccine");
  const kinds = await d.findElements(byTest("def-kind"));
  await (await kinds[1].findElement(By.css("option[value=choice]"))).click();
  await (await find(d, "def-options")).sendKeys("MMR", Key.ENTER, "Polio");
  await (await find(d, "def-save")).click();
  const dose = await d.wait(until.elementLocated(By.css('[data-field="Dose"]')), TIMEOUT);
  assert.equal(await dose.getAttribute("data-kind"), "number");
  await dose.sendKeys("two");
  await (await find(d, "save")).click();
  await waitForText(d, "error-note", (t) => t.includes('"two" is not a number'), "a dose in words is refused");
  await typeInto(await d.findElement(By.css('[data-field="Dose"]')), "2");
  await (await d.findElement(By.css('[data-field="Vaccine"] option[value="MMR"]'))).click();
  await (await find(d, "save")).click();
  await d.wait(
    async () => {
      const f = (await invoke(d, "document", { id: idOf(untyped) })).ok.fields;
      return f.Dose === "2" && f.Vaccine === "MMR";
    },
    TIMEOUT,
    "the typed fields are saved",
  );
  await shot(d, "typed-fields");

  // 11. A saved view: the search on screen saved under a name, found in the sidebar
  //     after a restart, and opened again.
  //     The record just given its fields is indexed again in the background: wait until
  //     the index finds it, so the count kept is the one a restart will show.
  await d.wait(
    async () => {
      const r = await invoke(d, "search", { query: { ...everything, text: "vaccinations" } });
      return r.ok?.hits.some((h) => h.id === idOf(untyped));
    },
    TIMEOUT,
    "the index has the record with its fields",
  );
  await typeInto(await find(d, "search"), "vaccinations");
  await waitForText(d, "count", (t) => /^\d+ match/.test(t), "the search ran");
  const matches = await textOf(d, "count");
  //     Its columns: tags shown, size hidden.
  await (await find(d, "columns")).click();
  await (await find(d, "column-tags")).click();
  await (await find(d, "column-size")).click();
  await (await find(d, "columns")).click();
  const cells = async (col) => (await d.findElements(By.css(`[data-testid="row"] [data-col="${col}"]`))).length;
  await d.wait(async () => (await cells("size")) === 0 && (await cells("tags")) > 0, TIMEOUT, "tags shown, sizes hidden");
  await (await find(d, "view-save")).click();
  await (await find(d, "view-name")).sendKeys("Vaccinations");
  await (await find(d, "view-save-confirm")).click();
  await find(d, "views");
  await d.quit();
  d = await start(app, args);
  await find(d, "search");
  await d.wait(async () => (await cells("size")) > 0, TIMEOUT, "a new window shows the usual columns");
  const saved = await d.wait(until.elementLocated(By.css('[data-testid="view"][data-name="Vaccinations"] button')), TIMEOUT);
  await shot(d, "saved-view");
  await saved.click();
  await d.wait(async () => (await (await find(d, "search")).getAttribute("value")) === "vaccinations", TIMEOUT, "the view's search");
  await waitForText(d, "count", (t) => t === matches, "the same matches after a restart");
  await d.wait(async () => (await cells("size")) === 0 && (await cells("tags")) > 0, TIMEOUT, "with the view's columns");

  // 12. Keyboard first: the shortcuts sheet, the list moved through with the arrows (each
  //     document opens), a range selected with Shift, Esc closes, Alt+2 goes to People.
  await typeInto(await find(d, "search"), "");
  await waitForText(d, "count", (t) => t === "10 documents", "every document listed again");
  await d.findElement(By.css("body")).sendKeys("?");
  await find(d, "shortcuts");
  await shot(d, "shortcuts");
  await d.findElement(By.css("body")).sendKeys(Key.ESCAPE);
  await d.wait(async () => (await d.findElements(byTest("shortcuts"))).length === 0, TIMEOUT, "the sheet closes with Esc");
  const list = await find(d, "documents");
  const titles = await d.executeScript(
    "return [...document.querySelectorAll('[data-testid=row] .title')].slice(0, 3).map((e) => e.textContent)",
  );
  await list.sendKeys(Key.ARROW_DOWN);
  await waitForText(d, "doc-title", (t) => t === titles[0], "↓ opens the first document");
  await list.sendKeys(Key.ARROW_DOWN);
  await waitForText(d, "doc-title", (t) => t === titles[1], "↓ opens the next");
  await list.sendKeys(Key.chord(Key.SHIFT, Key.ARROW_DOWN));
  await find(d, "bulk");
  assert.equal((await d.findElements(By.css('[data-testid="row"][aria-selected="true"]'))).length, 2, "Shift+↓ selects two");
  await list.sendKeys(Key.ESCAPE);
  await d.wait(async () => (await d.findElements(byTest("document"))).length === 0, TIMEOUT, "Esc closes the document");
  await d.actions().keyDown(Key.ALT).sendKeys("2").keyUp(Key.ALT).perform();
  await find(d, "people");
  console.log("  ✓ keyboard");

  // 13. A Word document shows as pages (LibreOffice, in the PDF worker), and a search hit
  //     on its second page opens at that page with the words marked.
  // A file from the corpus added alone, then its search hit for `text` once it is on `page`.
  const addAndFind = async (from, name, text, page, what) => {
    const folder = join(scratch, `add-${name}`);
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(corpus, from), join(folder, name));
    const added = await invoke(d, "import_paths", { paths: [folder], allowDuplicates: false });
    assert.ok(added.ok, `import started: ${JSON.stringify(added.err)}`);
    let hit = null;
    await d.wait(
      async () => {
        const r = await invoke(d, "search", { query: { ...everything, text, snippets: true } });
        hit = r.ok?.hits.find((h) => h.file_name === name);
        return hit?.page === page;
      },
      TIMEOUT * 2,
      what,
    );
    return hit;
  };
  const outline = await addAndFind(
    "Unstructured-IO+unstructured/example-docs/page-breaks.docx",
    "Course outline.docx",
    "second",
    2,
    "the document's second page is searchable",
  );
  await (await find(d, "go-documents")).click();
  await typeInto(await find(d, "search"), "second");
  await (await d.wait(until.elementLocated(By.css(`[data-testid="row"][data-id="${outline.id}"]`)), TIMEOUT)).click();
  const second = '[data-testid="pages"] [data-page="2"]';
  // Drawing an office document's page goes through LibreOffice in the worker, like
  // reading its text above: the same allowance.
  await d.wait(
    async () => {
      const page = await d.findElements(By.css(second));
      return page.length === 1 && Number((await page[0].getAttribute("data-marked")) ?? 0) > 0;
    },
    TIMEOUT * 2,
    "page 2 marks the word",
  );
  const drawn = await invoke(d, "document", { id: outline.id });
  assert.ok(drawn.ok.page_images && drawn.ok.pages > 2, `shown as pages: ${JSON.stringify(drawn.ok?.pages)}`);
  await d.wait(
    async () =>
      d.executeScript(
        `const page = document.querySelector('${second}').getBoundingClientRect();
         const view = document.querySelector('.tab-body').getBoundingClientRect();
         return document.querySelector('${second} img').complete && Math.abs(page.top - view.top) < 40;`,
      ),
    TIMEOUT,
    "opened at page 2",
  );
  await shot(d, "office-pages");

  // 14. A scan's hit marks the words Tesseract read there.
  const photocopy = await addAndFind(
    "tesseract-ocr+test/testing/phototest.tif",
    "photocopy.tif",
    "jumped",
    1,
    "the scan is read and searchable",
  );
  await typeInto(await find(d, "search"), "jumped");
  await (await d.wait(until.elementLocated(By.css(`[data-testid="row"][data-id="${photocopy.id}"]`)), TIMEOUT)).click();
  await d.wait(
    async () => (await d.findElements(By.css('[data-page="1"] [data-testid="page-mark"]'))).length === 4,
    TIMEOUT,
    "the four places it says jumped are marked",
  );
  await shot(d, "scan-marks");

  // 15. Destruction under the retention schedule (issue 22): Bo left in 2015, and letters
  //     are kept a year after their person leaves, so his letter is due. The records
  //     officer sets the schedule, approves the batch (asked once more), and opens the
  //     certificate, which names no title or student; the letter is gone, the rest kept.
  const boId = (await invoke(d, "people", { text: "2024-0174" })).ok.people[0].id;
  const boDossier = (await invoke(d, "person", { id: boId })).ok;
  const boLetter = boDossier.groups.flatMap((g) => g.documents).find((x) => x.file_name === "letter home.pdf");
  assert.ok(boLetter, `Bo's letter: ${JSON.stringify(boDossier.groups)}`);
  const edits = [
    ["edit_metadata", { id: boLetter.id, edit: { title: null, doc_type: "Letter", subject_id: null, subject_name: null, add_tags: [], remove_tags: [], fields: {} } }],
    ["edit_person", { id: boId, values: { kind: null, number: null, name: null, other_names: null, birth_date: null, programme: null, enrolled: null, left: "2015-06-30", status: null, directory_opt_out: null } }],
  ];
  for (const [command, args] of edits) {
    const done = await invoke(d, command, args);
    assert.ok(!done.err, `${command}: ${JSON.stringify(done.err)}`);
  }
  for (const close of await d.findElements(By.css("button.icon[title=Close]"))) await close.click();
  await (await find(d, "go-records")).click();
  await typeInto(await find(d, "series-type"), "Letter");
  await typeInto(await find(d, "series-name"), "Correspondence");
  await typeInto(await find(d, "series-years"), "1");
  await (await find(d, "series-after")).findElement(By.css('option[value="left"]')).click();
  await (await find(d, "series-save")).click();
  await waitForText(d, "disposition", (t) => t.includes("Due") && t.includes("Correspondence"), "the letter is due");
  const choose = await find(d, "disposition-choose");
  await d.executeScript("arguments[0].scrollIntoView({ block: 'center' })", choose);
  await choose.click();
  await (await find(d, "disposition-destroy")).click();
  await shot(d, "destroy-confirm");
  await (await d.findElement(By.xpath("//button[.='Destroy for good']"))).click();
  await waitForText(d, "destroyed", (t) => t.startsWith("Destroyed 1 document"), "the batch is destroyed");
  await (await find(d, "destruction-open")).click();
  await waitForText(d, "certificate", (t) => t.includes("1 record destroyed") && t.includes("Correspondence"), "the certificate opened");
  const certificate = await textOf(d, "certificate");
  for (const secret of ["letter home", "Lindqvist", "2024-0174"]) {
    assert.ok(!certificate.includes(secret), `the certificate does not name ${secret}`);
  }
  await shot(d, "certificate");
  const gone = await invoke(d, "document", { id: boLetter.id });
  assert.ok(gone.err, "the letter is gone");
  const kept = (await invoke(d, "person", { id: boId })).ok.groups.flatMap((g) => g.documents);
  assert.deepEqual(kept.map((x) => x.file_name), ["photo.jpg"], "Bo's photo is kept");
  const certs = join(scratch, "certificates");
  mkdirSync(certs, { recursive: true });
  const batch = (await invoke(d, "destructions", {})).ok[0].destruction.batch;
  const pdf = await invoke(d, "write_report", { report: { report: "certificate", batch }, folder: certs, form: "pdf" });
  assert.ok(readFileSync(pdf.ok, "latin1").startsWith("%PDF"), `the certificate as PDF: ${JSON.stringify(pdf)}`);
  const json = await invoke(d, "write_certificate", { batch, folder: certs });
  assert.equal(JSON.parse(readFileSync(json.ok, "utf8")).format, 1, "the signed certificate as JSON");
  console.log("  ✓ destruction");

  // 16. The erasure recovery code: records' own keys are under a key only desktops'
  //     keyrings hold, so the records officer prints a code that brings it back if every
  //     desktop is lost; the Records screen says none was made, makes one, shows it once.
  const erasure = await find(d, "erasure-state");
  await d.executeScript("arguments[0].scrollIntoView({ block: 'center' })", erasure);
  assert.equal(await erasure.getAttribute("data-state"), "none", "no code made yet");
  await (await find(d, "erasure-make")).click();
  await waitForText(d, "erasure-code", (t) => /^([A-Z2-7]{5}-){10}[A-Z2-7]{5}$/.test(t.trim()), "the code shown once");
  await shot(d, "erasure-code");
  await (await find(d, "erasure-code-kept")).click();
  await d.wait(
    async () => (await (await find(d, "erasure-state")).getAttribute("data-state")) === "current",
    TIMEOUT,
    "the code reaches the current key",
  );
  assert.equal((await d.findElements(By.css('[data-testid="erasure-code"]'))).length, 0, "the code is shown no more");
  console.log("  ✓ erasure recovery code");
} finally {
  await d.quit();
}
console.log("app filing test passed");
