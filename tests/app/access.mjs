// People and access in the real app (issue 21): the library taken into its people's
// keeping from the Access screen, an auditor added there (typing their own passphrase,
// shown their fingerprint), signing out, the sign-in screen offering each person, the
// auditor signed in and every change disabled with the reason (and refused by the
// backend when asked anyway), his own passphrase changed, the owner back with the wrong
// passphrase refused, locking the screen signing her out, then removing the auditor. Every screen shot is also checked by axe-core. Run by
// scripts/test-app.sh; screenshots under target/e2e-screens/access-*.png.
//
//   node tests/app/access.mjs <app binary> <scratch dir> <corpus dir>

import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { By } from "selenium-webdriver";
import { TIMEOUT, accessible, byTest, find, invoke, screenshot, session as start, textOf, typeInto, waitForText } from "./driver.mjs";

const [app, scratch, corpus] = process.argv.slice(2).map((p) => resolve(p));
const library = join(scratch, "library");
const args = ["--library", library, "--settings", join(scratch, "settings.json")];
const screens = resolve("target/e2e-screens");
mkdirSync(screens, { recursive: true });
const files = join(scratch, "files");
mkdirSync(files, { recursive: true });
copyFileSync(join(corpus, "py-pdf+sample-files/001-trivial/minimal-document.pdf"), join(files, "letter home.pdf"));

const ANN = "ann's own passphrase";
const CAL = "cal's own passphrase";

let step = 0;
async function shot(d, name) {
  await accessible(d, name);
  step += 1;
  await screenshot(d, join(screens, `access-${String(step).padStart(2, "0")}-${name}.png`));
  console.log(`  ✓ ${name}`);
}

async function signIn(d, who, passphrase) {
  await find(d, "sign-in-person");
  await (await find(d, "sign-in-person")).findElement(By.css(`option[value="${who}"]`)).click();
  await typeInto(await find(d, "unlock-secret"), passphrase);
  await (await find(d, "unlock")).click();
}

async function signOut(d) {
  await (await find(d, "sign-out")).click();
  await find(d, "sign-in-person");
}

let d = await start(app, args);
try {
  // A library as it is today: made with a passphrase, one document in it.
  await (await find(d, "passphrase")).sendKeys("a long school passphrase");
  await (await find(d, "passphrase-again")).sendKeys("a long school passphrase");
  await (await find(d, "create")).click();
  await (await find(d, "recovery-stored")).click();
  await (await find(d, "recovery-done")).click();
  await find(d, "search");
  const r = await invoke(d, "import_paths", { paths: [files], allowDuplicates: false });
  assert.ok(r.ok, `import started: ${JSON.stringify(r.err)}`);
  await waitForText(d, "count", (t) => t === "1 document", "the letter is listed");
  assert.equal((await d.findElements(byTest("signed-in"))).length, 0, "nobody is signed in without people");

  // 1. Ann takes the library into its people's keeping.
  await (await find(d, "go-access")).click();
  await find(d, "take-ownership");
  await shot(d, "take-ownership");
  await typeInto(await find(d, "owner-name"), "Ann Lee");
  await typeInto(await find(d, "owner-passphrase"), ANN);
  await typeInto(await find(d, "owner-passphrase-again"), ANN);
  await (await find(d, "take")).click();
  await find(d, "staff");
  await waitForText(d, "signed-in", (t) => t.includes("Ann Lee") && t.includes("owner"), "Ann is signed in");

  // 2. She adds Cal as an auditor; Cal types his own passphrase; the fingerprint shows.
  await typeInto(await find(d, "person-name"), "Cal Ortiz");
  await (await find(d, "person-role")).findElement(By.css('option[value="auditor"]')).click();
  await typeInto(await find(d, "person-passphrase"), CAL);
  await typeInto(await find(d, "person-passphrase-again"), CAL);
  await (await find(d, "person-add")).click();
  await waitForText(d, "added", (t) => /Fingerprint: (\d{4} ){5}\d{4}/.test(t), "the fingerprint is shown");
  await waitForText(d, "staff", (t) => t.includes("Cal Ortiz") && t.includes("auditor"), "Cal is listed");
  await shot(d, "people-and-access");

  // 3. Signing out asks who is signing in; the library's passphrase opens nothing now.
  await signOut(d);
  const offered = await Promise.all(
    (await (await find(d, "sign-in-person")).findElements(By.css("option:not([disabled])"))).map((o) => o.getText()),
  );
  assert.deepEqual(offered, ["Ann Lee", "Cal Ortiz"]);
  await shot(d, "sign-in");
  const old = await invoke(d, "unlock_library", { secret: "a long school passphrase", person: null });
  assert.equal(old.err?.kind, "not_permitted", `the library's passphrase is refused: ${JSON.stringify(old)}`);

  // 4. The auditor reads, and every change is disabled with the reason.
  await signIn(d, "Cal Ortiz", CAL);
  await waitForText(d, "signed-in", (t) => t.includes("Cal Ortiz") && t.includes("auditor"), "Cal is signed in");
  await (await find(d, "go-documents")).click();
  await (await find(d, "row")).click();
  await (await find(d, "tab-details")).click();
  const save = await find(d, "save");
  assert.equal(await save.getAttribute("disabled"), "true", "the auditor cannot save");
  assert.match(await save.getAttribute("title"), /auditor, you may not add or change records/);
  assert.equal(await (await find(d, "trash")).getAttribute("disabled"), "true", "nor trash");
  assert.equal(await (await find(d, "hold-toggle")).getAttribute("disabled"), "true", "nor hold");
  await waitForText(d, "edit-reason", (t) => t.includes("As auditor, you may not add or change records"), "the reason is shown");
  await waitForText(d, "dispose-reason", (t) => t.includes("As auditor"), "the reason for holds is shown");
  await shot(d, "auditor-reads");
  const id = await (await find(d, "row")).getAttribute("data-id");
  const forced = await invoke(d, "trash", { ids: [id] });
  assert.equal(forced.err?.kind, "not_permitted", `the backend refuses too: ${JSON.stringify(forced)}`);
  await (await find(d, "go-access")).click();
  await waitForText(d, "manage-reason", (t) => t.includes("may not manage people"), "the auditor manages nobody");
  // He changes his own passphrase; the old one opens nothing after.
  const CAL2 = "cal's second passphrase";
  await typeInto(await find(d, "change-passphrase-set-new"), CAL2);
  await typeInto(await find(d, "change-passphrase-set-again"), CAL2);
  await (await find(d, "change-passphrase-set")).click();
  await waitForText(d, "change-passphrase", (t) => t.includes("Changed"), "the passphrase is changed");
  await signOut(d);
  const stale = await invoke(d, "unlock_library", { secret: CAL, person: "Cal Ortiz" });
  assert.equal(stale.err?.kind, "wrong_passphrase", `the old passphrase is refused: ${JSON.stringify(stale)}`);
  await signIn(d, "Cal Ortiz", CAL2);
  await waitForText(d, "signed-in", (t) => t.includes("Cal Ortiz"), "Cal signs in with his new passphrase");
  await signOut(d);

  // 5. Ann: a wrong passphrase is refused; hers lets her in; she removes Cal.
  await signIn(d, "Ann Lee", CAL);
  await find(d, "unlock-secret");
  await d.wait(async () => (await d.findElements(By.css(".error, [role=alert]"))).length > 0, TIMEOUT, "the wrong passphrase is said");
  await (await find(d, "unlock-secret")).clear();
  await typeInto(await find(d, "unlock-secret"), ANN);
  await (await find(d, "unlock")).click();
  await waitForText(d, "signed-in", (t) => t.includes("Ann Lee"), "Ann is back");
  // Locking the screen signs her out (the desktop's screen saver says so on the session
  // bus, as GNOME and KDE do), and she signs in again.
  execFileSync("dbus-send", [
    "--session",
    "--type=signal",
    "/org/freedesktop/ScreenSaver",
    "org.freedesktop.ScreenSaver.ActiveChanged",
    "boolean:true",
  ]);
  await find(d, "sign-in-person");
  await shot(d, "locked-with-the-screen");
  await signIn(d, "Ann Lee", ANN);
  await waitForText(d, "signed-in", (t) => t.includes("Ann Lee"), "Ann is back after the screen lock");
  await (await find(d, "go-access")).click();
  await (await find(d, "remove-Cal Ortiz")).click();
  await (await find(d, "remove-Cal Ortiz-yes")).click();
  await d.wait(async () => !(await textOf(d, "staff")).includes("Cal Ortiz"), TIMEOUT, "Cal is gone");
  await signOut(d);
  const left = await Promise.all(
    (await (await find(d, "sign-in-person")).findElements(By.css("option:not([disabled])"))).map((o) => o.getText()),
  );
  assert.deepEqual(left, ["Ann Lee"], "Cal can no longer sign in here");
  console.log("access: ok");
} finally {
  await d.quit();
}
