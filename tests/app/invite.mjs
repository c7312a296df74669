// Invitations in the real app (issue 21), across two desktops. First the owner invites in
// the app and the invitee is another desktop (the `dossier` CLI, $DOSSIER_CLI): the code
// shown in the app is answered there, the answer's fingerprint appears in the app, a
// wrong one lets no one in, the right one does, and the CLI joins as that person. Then the
// owner is the CLI and the invitee the app's first run, department staff of science: "Join
// with an invitation code", a passphrase of their own, the fingerprint shown, and the
// library opens by itself once the owner confirmed, with science's record only (the
// letter, filed in "all", is sealed under a key that was not given to them). Every screen shot is also checked by axe-core. Run by
// scripts/test-app.sh; screenshots under target/e2e-screens/invite-*.png.
//
//   node tests/app/invite.mjs <app binary> <scratch dir> <corpus dir>

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { By } from "selenium-webdriver";
import { accessible, find, invoke, screenshot, session as start, textOf, typeInto, waitForText } from "./driver.mjs";

const [app, scratch, corpus] = process.argv.slice(2).map((p) => resolve(p));
const cli = process.env.DOSSIER_CLI ?? resolve("target/release/dossier");
const library = join(scratch, "library");
const remote = pathToFileURL(join(scratch, "remote")).href;
const screens = resolve("target/e2e-screens");
mkdirSync(screens, { recursive: true });
const files = join(scratch, "files");
mkdirSync(files, { recursive: true });
copyFileSync(join(corpus, "py-pdf+sample-files/001-trivial/minimal-document.pdf"), join(files, "letter home.pdf"));

const ANN = "ann's own passphrase";
const DEE = "dee's own passphrase";
const EVE = "eve's own passphrase";

let step = 0;
async function shot(d, name) {
  await accessible(d, name);
  step += 1;
  await screenshot(d, join(screens, `invite-${String(step).padStart(2, "0")}-${name}.png`));
  console.log(`  ✓ ${name}`);
}

/** The CLI as another desktop: its exit status and output (a non-zero exit is not thrown). */
function dossier(args, env = {}) {
  const out = spawnSync(cli, args, { encoding: "utf8", env: { ...process.env, ...env }, stdin: "ignore" });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** The fingerprint `dossier clone --invite` printed. */
function fingerprintIn(text) {
  const m = /Your fingerprint: ((\d{4} ){5}\d{4})/.exec(text);
  assert.ok(m, `a fingerprint is shown: ${text}`);
  return m[1];
}

// Part 1: the owner invites in the app; the invitee is the CLI.
let d = await start(app, ["--library", library, "--settings", join(scratch, "settings.json")]);
const dee = join(scratch, "dee");
try {
  await (await find(d, "passphrase")).sendKeys("a long school passphrase");
  await (await find(d, "passphrase-again")).sendKeys("a long school passphrase");
  await (await find(d, "create")).click();
  await (await find(d, "recovery-stored")).click();
  await (await find(d, "recovery-done")).click();
  await find(d, "search");
  const r = await invoke(d, "import_paths", { paths: [files], allowDuplicates: false });
  assert.ok(r.ok, `import started: ${JSON.stringify(r.err)}`);
  await waitForText(d, "count", (t) => t === "1 document", "the letter is listed");
  const shared = await invoke(d, "add_remote", { url: remote, credentials: {} });
  assert.ok(shared.ok, `the library is shared: ${JSON.stringify(shared.err)}`);
  await (await find(d, "go-access")).click();
  await typeInto(await find(d, "owner-name"), "Ann Lee");
  await typeInto(await find(d, "owner-passphrase"), ANN);
  await typeInto(await find(d, "owner-passphrase-again"), ANN);
  await (await find(d, "take")).click();
  await find(d, "staff");

  // 1. Ann invites Dee, department staff in science: the app shows the one-time code.
  await typeInto(await find(d, "invite-name"), "Dee Park");
  await (await find(d, "invite-role")).findElement(By.css('option[value="department_staff"]')).click();
  await typeInto(await find(d, "invite-collections"), "science");
  await (await find(d, "invite")).click();
  const code = (await textOf(d, "invite-code")).trim();
  assert.match(code, /^([A-Z2-7]{5}-){5}[A-Z2-7]{4}$/, "a one-time code is shown");
  await waitForText(d, "invitations", (t) => t.includes("Dee Park") && t.includes("waiting for their answer"), "the invitation is listed");
  await shot(d, "invited");

  // 2. Dee's desktop answers: her keys are made there; she is shown a fingerprint and waits.
  const answered = dossier(["clone", remote, dee, "--no-process", "--invite"], { DOSSIER_INVITE_CODE: code, DOSSIER_NEW_PASSPHRASE: DEE });
  assert.equal(answered.status, 7, `Dee waits for Ann: ${answered.stdout}${answered.stderr}`);
  const fingerprint = fingerprintIn(answered.stdout);
  assert.ok(!existsSync(join(dee, "library.json")), "nothing is made before Ann confirms");

  // 3. Ann's screen says Dee answered (and does not show the digits: Ann types what Dee
  // reads to her); a wrong fingerprint lets no one in.
  await waitForText(d, "answered-Dee Park", (t) => t.includes("They answered"), "the answer is noticed");
  assert.ok(!(await textOf(d, "invitations")).includes(fingerprint), "the expected digits are not shown");
  await shot(d, "answered");
  await typeInto(await find(d, "confirm-digits-Dee Park"), "0000 1111 2222 3333 4444 5555");
  await (await find(d, "confirm-Dee Park")).click();
  await waitForText(d, "invitations", (t) => t.includes("does not match"), "a wrong fingerprint is refused");
  assert.ok(!(await textOf(d, "staff")).includes("Dee Park"), "nobody was let in");
  await typeInto(await find(d, "confirm-digits-Dee Park"), fingerprint);
  await (await find(d, "confirm-Dee Park")).click();
  await waitForText(d, "staff", (t) => t.includes("Dee Park") && t.includes("science"), "Dee is let in");
  await waitForText(d, "invitations", (t) => t.includes("joined"), "the invitation is used");
  await waitForText(d, "sync-status", (t) => t.startsWith("Synced"), "her access reached the shared storage");
  // Science has a key of its own, given to Dee and to Ann, whose desktop can open it.
  await waitForText(
    d,
    "collection-keys",
    (t) => t.includes("science") && t.includes("Dee Park") && t.includes("Ann Lee") && t.includes("can read"),
    "the collection's key is shown",
  );
  await shot(d, "confirmed");
} finally {
  await d.quit();
}

// 4. The same command joins on Dee's desktop, signed in as her.
const again = dossier(["--library", library, "--as", "Ann Lee", "people", "invitations", "--json"], { DOSSIER_PASSPHRASE: ANN });
assert.equal(again.status, 0, again.stderr);
const code = JSON.parse(again.stdout).find((i) => i.name === "Dee Park").code;
const deeJoins = dossier(["clone", remote, dee, "--no-process", "--invite"], { DOSSIER_INVITE_CODE: code, DOSSIER_PASSPHRASE: DEE });
assert.equal(deeJoins.status, 0, `Dee joins: ${deeJoins.stdout}${deeJoins.stderr}`);
const deePeople = dossier(["--library", dee, "--as", "Dee Park", "people", "ls", "--json"], { DOSSIER_PASSPHRASE: DEE });
assert.equal(deePeople.status, 0, deePeople.stderr);
const me = JSON.parse(deePeople.stdout).find((p) => p.signed_in);
assert.equal(me?.name, "Dee Park");
assert.equal(me?.role, "department_staff");

// Part 2: the owner is the CLI; the invitee is the app's first run. Ann files a lab report
// in science first, and shares it.
const asAnn = (args) => dossier(["--library", library, "--as", "Ann Lee", ...args], { DOSSIER_PASSPHRASE: ANN });
const lab = join(scratch, "lab");
mkdirSync(lab, { recursive: true });
writeFileSync(join(lab, "titration lab report.txt"), "titration of acetic acid, year 10 chemistry, term 2\n");
const imported = asAnn(["import", lab, "--no-process"]);
assert.equal(imported.status, 0, imported.stderr);
const listedDocs = asAnn(["ls", "--json"]);
assert.equal(listedDocs.status, 0, listedDocs.stderr);
const labDoc = JSON.parse(listedDocs.stdout).find((doc) => doc.title === "titration lab report");
assert.ok(labDoc, `the lab report is listed: ${listedDocs.stdout}`);
const filed = asAnn(["set", labDoc.id, "collection=science"]);
assert.equal(filed.status, 0, filed.stderr);
const synced = asAnn(["sync"]);
assert.equal(synced.status, 0, `${synced.stdout}${synced.stderr}`);
const made = asAnn(["people", "invite", "Eve Ross", "--role", "department_staff", "--collection", "science", "--json"]);
assert.equal(made.status, 0, made.stderr);
const eveCode = JSON.parse(made.stdout).code;
d = await start(app, ["--library", join(scratch, "eve"), "--settings", join(scratch, "eve-settings.json")]);
try {
  await (await find(d, "invited-choose")).click();
  await typeInto(await find(d, "invite-url"), remote);
  await typeInto(await find(d, "invite-code-typed"), eveCode.toLowerCase());
  await shot(d, "join-with-code");
  await (await find(d, "invite-open")).click();
  await waitForText(
    d,
    "invitation-offer",
    (t) => t.includes("Ann Lee invites you, Eve Ross, as department staff (science)"),
    "the offer is shown",
  );
  await typeInto(await find(d, "invite-passphrase"), EVE);
  await typeInto(await find(d, "invite-passphrase-again"), EVE);
  await (await find(d, "invite-answer")).click();
  const shown = (await textOf(d, "my-fingerprint")).trim();
  assert.match(shown, /^(\d{4} ){5}\d{4}$/);
  await find(d, "invite-waiting");
  await shot(d, "waiting-for-the-owner");

  // 5. Ann compares the digits Eve reads to her and lets her in; Eve's library opens.
  const listed = dossier(["--library", library, "--as", "Ann Lee", "people", "invitations", "--json"], { DOSSIER_PASSPHRASE: ANN });
  assert.equal(JSON.parse(listed.stdout).find((i) => i.name === "Eve Ross").answered, true);
  const confirmed = dossier(["--library", library, "--as", "Ann Lee", "people", "confirm", "Eve Ross", "--fingerprint", shown], {
    DOSSIER_PASSPHRASE: ANN,
  });
  assert.equal(confirmed.status, 0, confirmed.stderr);
  await find(d, "search");
  await waitForText(d, "signed-in", (t) => t.includes("Eve Ross") && t.includes("department staff"), "Eve is signed in");
  // Science's record arrived, and only it: the letter home, filed in "all", is not listed,
  // not even its title, and a search for it finds nothing.
  await waitForText(d, "count", (t) => t === "1 document", "science's record arrived");
  const rows = await d.wait(async () => {
    const found = await d.findElements(By.css('[data-testid="row"]'));
    return found.length > 0 ? found : null;
  }, 60_000);
  const shownRows = await Promise.all(rows.map((r) => r.getAttribute("textContent")));
  assert.equal(shownRows.length, 1, `one row: ${shownRows}`);
  assert.ok(shownRows[0].includes("titration lab report"), `the lab report is listed: ${shownRows}`);
  const page = await d.findElement(By.css("body")).getAttribute("textContent");
  assert.ok(!page.includes("letter home"), "the letter's title is not shown");
  const query = { text: "letter", offset: 0, limit: 100, sort: "date", reverse: false, doc_type: null, tags: [],
                  year: null, from: null, until: null, status: null, trashed: false, snippets: false };
  const found = await invoke(d, "search", { query });
  assert.ok(found.ok, JSON.stringify(found.err));
  assert.equal(found.ok.hits.length, 0, `a search finds nothing of the letter: ${JSON.stringify(found.ok)}`);
  const all = await invoke(d, "search", { query: { ...query, text: "" } });
  assert.deepEqual(all.ok.hits.map((h) => h.title), ["titration lab report"]);
  await shot(d, "joined");
  console.log("invite: ok");
} finally {
  await d.quit();
}
