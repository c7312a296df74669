// Driving the real app through tauri-driver (WebDriver): shared by the end-to-end test
// (e2e.mjs) and the benchmark (bench.mjs).

import { execFileSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Builder, By, Key, until } from "selenium-webdriver";

export const TIMEOUT = 120_000;

/** Start the app (tauri-driver on 127.0.0.1:4444 launches it, with `args`) and return
 *  its session. */
export async function session(app, args = []) {
  const caps = { browserName: "wry", "tauri:options": { application: app, args } };
  return new Builder().usingServer("http://127.0.0.1:4444/").withCapabilities(caps).build();
}

export const byTest = (id) => By.css(`[data-testid="${id}"]`);
export const find = (d, id, timeout = TIMEOUT) => d.wait(until.elementLocated(byTest(id)), timeout);

/** Call a backend command the way the UI does (the same IPC as the drop handler). */
export async function invoke(d, cmd, args) {
  return d.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
       .then((v) => done({ ok: v }), (e) => done({ err: e }));`,
    cmd,
    args,
  );
}

/** Replace a text field's value the way a person does (React sees the input events). */
export async function typeInto(el, text) {
  await el.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
  if (text) await el.sendKeys(text);
}

/** The element's text content (WebDriver's visible-text rules differ between drivers). */
export async function textOf(d, id) {
  await find(d, id);
  return d.executeScript(
    "const e = document.querySelector(`[data-testid='${arguments[0]}']`); return e ? e.textContent : '';",
    id,
  );
}

export async function waitForText(d, id, pred, what, timeout = TIMEOUT) {
  let last = "";
  try {
    await d.wait(async () => pred((last = await textOf(d, id))), timeout, what);
  } catch (e) {
    throw new Error(`${what}: "${id}" says ${JSON.stringify(last)}`, { cause: e });
  }
}

/** The running app's process (the `dossier-app` not started by another one: those are its
 *  PDF workers): `{ pid, rss }` (MiB), the processes it started for WebKit (`children`)
 *  and its PDF workers (`workers`), or null when it is not running. */
export function appProcess() {
  const out = execFileSync("ps", ["-A", "-o", "pid=,ppid=,rss=,stat=,comm="], { encoding: "utf8" });
  // An app that just quit may linger as a zombie (no memory) until its parent reaps it.
  const procs = out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, , , stat]) => !stat.startsWith("Z"))
    .map(([pid, ppid, rss, , ...comm]) => ({ pid: +pid, ppid: +ppid, rss: +rss / 1024, comm: comm.join(" ") }));
  const isApp = (p) => p.comm.startsWith("dossier-app");
  const app = procs.find((p) => isApp(p) && !procs.some((q) => q.pid === p.ppid && isApp(q)));
  if (!app) return null;
  const started = procs.filter((p) => p.ppid === app.pid);
  return { ...app, children: started.filter((p) => !isApp(p)), workers: started.filter(isApp) };
}

/** Whether this machine has a GPU Mesa can render with (a DRM render node; Linux). */
export function hasGpu() {
  try {
    return readdirSync("/dev/dri").some((n) => n.startsWith("renderD"));
  } catch {
    return false;
  }
}

/** Wait two animation frames (a screenshot right after a change can be stale), then save it as `file`.
 *  WebKitWebDriver takes a screenshot after the webview's next paint, and when WebKitGTK
 *  draws without compositing (no GPU: the app's software drawing) a still page is not
 *  painted again, so the screenshot would wait for ever: a 1-pixel, nearly transparent
 *  dot changes every frame while it is taken. */
export async function screenshot(d, file) {
  await d.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const dot = document.createElement("div");
     dot.id = "e2e-paint";
     dot.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;opacity:0.01";
     document.body.appendChild(dot);
     let n = 0;
     const tick = () => {
       if (!dot.isConnected) return;
       dot.style.opacity = n++ % 2 ? "0.01" : "0.02";
       requestAnimationFrame(tick);
     };
     requestAnimationFrame(() => requestAnimationFrame(() => { tick(); done(); }));`,
  );
  try {
    writeFileSync(file, await d.takeScreenshot(), "base64");
  } finally {
    await d.executeScript("document.getElementById('e2e-paint')?.remove()");
  }
}

const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/** Run axe-core on what the app shows now and fail on any serious or critical violation
 *  (WCAG 2 A and AA rules, as axe tags them). `screen` names it in the message. */
export async function accessible(d, screen) {
  await d.executeScript(`if (!window.axe) { ${axeSource}\n}`);
  const r = await d.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.axe
       .run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })
       .then(
         (r) => done({ ok: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                                       nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })) }),
         (e) => done({ err: String(e) }),
       );`,
  );
  assert.ok(r.ok, `axe did not run on ${screen}: ${r.err}`);
  const serious = r.ok.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious, [], `${screen} has serious accessibility problems: ${JSON.stringify(serious, null, 1)}`);
  return r.ok;
}
