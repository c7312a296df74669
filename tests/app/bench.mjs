// Benchmark of the real app on a large library (issue 4's targets): time from launch to
// an interactive library view, scrolling (frame times, rows in the DOM), as-you-type
// search (last keystroke to results on screen), and idle memory. Run by
// scripts/bench-app.sh, which starts Xvfb, a D-Bus session with a keyring and
// tauri-driver. Prints a Markdown table.
//
//   node tests/app/bench.mjs <app binary> <library dir> <passphrase> [launches]

import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { By, until } from "selenium-webdriver";
import { TIMEOUT, appProcess, find, invoke, session, typeInto } from "./driver.mjs";

const [app, library, passphrase, launchesArg] = process.argv.slice(2);
const LAUNCHES = Number(launchesArg ?? 5);
/** What staff type: names, ids, subjects, phrases. Each is typed three times. */
const QUERIES = [
  "transcript",
  "Grace Müller",
  "attendance report",
  "scholarship",
  "chemistry exam",
  "Liam Patel",
  '"final examination"',
  "withdrawal",
  "budget committee",
  "Tanaka",
];
const ROUNDS = 3;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (x) => `${x.toFixed(0)} ms`;

/** In the page: wait until the library view is interactive (the first real rows and the
 *  count are on screen); resolves with the wall-clock time it happened. */
const WAIT_INTERACTIVE = `
  const done = arguments[arguments.length - 1];
  const ok = () => {
    const c = document.querySelector("[data-testid=content]");
    return c && c.getAttribute("data-results-for") === "" &&
      document.querySelector("[data-testid=row]") &&
      /documents?$/.test(document.querySelector("[data-testid=count]")?.textContent ?? "");
  };
  const finish = () => requestAnimationFrame(() => done(performance.timeOrigin + performance.now()));
  if (ok()) return finish();
  const mo = new MutationObserver(() => { if (ok()) { mo.disconnect(); finish(); } });
  mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });`;

/** Launch the app and time it until the library view is interactive. */
async function launch() {
  const t0 = Date.now();
  const d = await session(app);
  await d.manage().setTimeouts({ script: TIMEOUT });
  // The library view, or (first launch on this keyring) the passphrase screen.
  let first;
  try {
    first = await d.wait(until.elementLocated(By.css("[data-testid=search], [data-testid=unlock-secret]")), TIMEOUT);
  } catch (e) {
    const text = await d.executeScript("return document.body.innerText");
    throw new Error(`the app did not open its library; it shows: ${JSON.stringify(text)}`, { cause: e });
  }
  if ((await first.getAttribute("data-testid")) === "unlock-secret") {
    // The passphrase stores the key in the keyring; later launches use it.
    await first.sendKeys(passphrase);
    await (await find(d, "unlock")).click();
    await interactive(d);
    return { d, ms: null };
  }
  const at = await interactive(d);
  return { d, ms: at - t0 };
}

/** When the library view became interactive; what it shows instead if it never does. */
async function interactive(d) {
  try {
    return await d.executeAsyncScript(WAIT_INTERACTIVE);
  } catch (e) {
    const shown = await d.executeScript(
      `const c = document.querySelector("[data-testid=content]");
       return { resultsFor: c?.getAttribute("data-results-for"), rows: document.querySelectorAll("[data-testid=row]").length,
                count: document.querySelector("[data-testid=count]")?.textContent, text: document.body.innerText.slice(0, 600) };`,
    );
    throw new Error(`the library view never became interactive: ${JSON.stringify(shown)}`, { cause: e });
  }
}

/** Scroll the list the way a fast wheel or a dragged scrollbar does, frame by frame. */
const SCROLL = `
  const done = arguments[arguments.length - 1];
  const [pxPerFrame, frames] = [arguments[0], arguments[1]];
  const el = document.querySelector("[data-testid=documents]");
  const times = [];
  let maxRows = 0;
  let last = performance.now();
  let n = 0;
  const step = (t) => {
    times.push(t - last);
    last = t;
    maxRows = Math.max(maxRows, el.querySelectorAll(".row").length);
    if (n++ >= frames) return done({ times: times.slice(1), maxRows, top: el.scrollTop, height: el.scrollHeight });
    el.scrollTop += pxPerFrame;
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);`;

/** The same scroll on a plain, static list of the same row height in the same webview
 *  (no framework, no data): the peer, i.e. what this display can do at best. */
const PLAIN_SCROLL = `
  const done = arguments[arguments.length - 1];
  const [pxPerFrame, frames] = [arguments[0], arguments[1]];
  const box = document.createElement("div");
  box.style.cssText = "position:fixed;inset:0;overflow:auto;z-index:99;background:white";
  const inner = document.createElement("div");
  inner.style.height = "6400000px";
  const rows = Array.from({ length: 24 }, (_, i) =>
    '<div style="height:64px;border-bottom:1px solid #ddd;padding:8px">Document ' + i + '<br><small>Transcript · 2024</small></div>');
  inner.innerHTML = rows.join("");
  box.appendChild(inner);
  document.body.appendChild(box);
  const times = [];
  let last = performance.now();
  let n = 0;
  const step = (t) => {
    times.push(t - last);
    last = t;
    if (n++ >= frames) { box.remove(); return done(times.slice(1)); }
    box.scrollTop += pxPerFrame;
    inner.firstChild.style.marginTop = box.scrollTop + "px";
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);`;

/** Jump to a place in the list and time until its rows are filled in. */
const JUMP = `
  const done = arguments[arguments.length - 1];
  const el = document.querySelector("[data-testid=documents]");
  const t0 = performance.now();
  el.scrollTop = el.scrollHeight * arguments[0];
  const filled = () => el.querySelectorAll(".row.placeholder").length === 0 &&
    el.querySelectorAll("[data-testid=row]").length > 0;
  const check = () => filled() ? done(performance.now() - t0) : requestAnimationFrame(check);
  requestAnimationFrame(check);`;

/** Record, in the page, the last input event of the search box and when the results of
 *  the final text are painted. */
const ARM_SEARCH = `
  const box = document.querySelector("[data-testid=search]");
  const content = document.querySelector("[data-testid=content]");
  window.__bench = { lastInput: 0, shown: 0 };
  box.addEventListener("input", () => { window.__bench.lastInput = performance.now(); });
  new MutationObserver(() => {
    if (content.getAttribute("data-results-for") === box.value.trim() && box.value.trim() !== "") {
      requestAnimationFrame(() => { window.__bench.shown = performance.now(); });
    }
  }).observe(content, { attributes: true, attributeFilter: ["data-results-for"] });`;

const WAIT_SHOWN = `
  const done = arguments[arguments.length - 1];
  const target = arguments[0];
  const check = () => {
    const b = window.__bench;
    const c = document.querySelector("[data-testid=content]").getAttribute("data-results-for");
    if (c === target && b.shown >= b.lastInput && b.lastInput > 0) done(b.shown - b.lastInput);
    else requestAnimationFrame(check);
  };
  check();`;

/** The search command alone, through IPC, as the list's first page asks it (ui/src/lib/paging.ts's
 *  PAGE rows). */
const IPC_SEARCH = `
  const done = arguments[arguments.length - 1];
  const t0 = performance.now();
  window.__TAURI_INTERNALS__.invoke("search", { query: {
    text: arguments[0], sort: "relevance", reverse: false, doc_type: null, tags: [], year: null, from: null, until: null,
    status: null, trashed: false, snippets: true, offset: 0, limit: 50 } })
    .then(() => done(performance.now() - t0), (e) => done(-1));`;

/** Resident memory (MiB) of the app process and of its WebKit child processes; on Linux
 *  also the app's anonymous (heap) part, the rest being mapped files such as the index. */
function memory() {
  const appProc = appProcess();
  assert.ok(appProc, "the app process is running");
  const children = appProc.children;
  const anonOf = (pid) => {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      return +/^Anonymous:\s+(\d+)/m.exec(rollup)[1] / 1024;
    } catch {
      return null; // Not Linux: RSS only.
    }
  };
  const webAnon = children.map((c) => anonOf(c.pid));
  return {
    pid: appProc.pid,
    app: appProc.rss,
    anon: anonOf(appProc.pid),
    web: children.reduce((s, p) => s + p.rss, 0),
    webAnon: webAnon.includes(null) ? null : webAnon.reduce((s, a) => s + a, 0),
    children: children.map((p) => p.comm),
    workers: appProc.workers.reduce((s, p) => s + p.rss, 0),
  };
}

/** The app's resident memory by mapped file (MiB, largest first; Linux only): where the
 *  RSS is, printed to the log beside the table. */
function rssByFile(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return [];
  }
  const sums = new Map();
  let name = "";
  for (const line of text.split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] || "[anonymous]";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) sums.set(name, (sums.get(name) ?? 0) + +rss[1] / 1024);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

const memLine = (m) => `${m.app.toFixed(0)} MiB${m.anon === null ? "" : ` (heap ${m.anon.toFixed(0)} MiB)`}`;

/** Frame times while nothing happens: what this display can do at best. */
const IDLE_FRAMES = `
  const done = arguments[arguments.length - 1];
  const times = [];
  let last = performance.now();
  const step = (t) => {
    times.push(t - last);
    last = t;
    if (times.length > 60) return done(times.slice(1));
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);`;

const rows = [];
const record = (what, figure, target) => rows.push(`| ${what} | ${figure} | ${target} |`);

// Launches: the first unlocks with the passphrase (and stores the key); the rest are timed.
let { d } = await launch();
await d.quit();
const launches = [];
for (let i = 0; i < LAUNCHES; i++) {
  const l = await launch();
  launches.push(l.ms);
  if (i < LAUNCHES - 1) await l.d.quit();
  else d = l.d;
}
const count = await d.executeScript("return document.querySelector('[data-testid=count]').textContent");
console.log(`library: ${count}; launches to an interactive view: ${launches.map(ms).join(", ")}`);
record("launch → interactive library view (median of " + LAUNCHES + ")", ms(quantile(launches, 0.5)), "< 1500 ms");
record("launch → interactive library view (slowest)", ms(Math.max(...launches)), "");

try {
  await d.wait(async () => (await (await find(d, "processing")).getAttribute("data-busy")) === "no", TIMEOUT);
  const opened = memory();
  record("memory after opening, app process (RSS)", memLine(opened), "");
  record("memory after opening, WebKit processes (RSS)", memLine({ app: opened.web, anon: opened.webAnon }), "");
  const idle = await d.executeAsyncScript(IDLE_FRAMES);
  record("frame time with nothing happening, p50 (this display's floor)", `${quantile(idle, 0.5).toFixed(1)} ms`, "");
  // Scrolling: a steady fast scroll, then jumps across the list.
  console.log("scrolling…");
  const s = await d.executeAsyncScript(SCROLL, 240, 300);
  assert.ok(s.top > 240 * 200, `the list scrolled (${s.top} px)`);
  const plain = await d.executeAsyncScript(PLAIN_SCROLL, 240, 300);
  const frames = (t) => `${quantile(t, 0.5).toFixed(1)} / ${quantile(t, 0.95).toFixed(1)} / ${Math.max(...t).toFixed(1)} ms`;
  record("scroll 240 px per frame, frame time p50 / p95 / max: the library list", frames(s.times), "smooth");
  record("… the same scroll of a plain static list (peer: this display's best)", frames(plain), "");
  record("ratio: library list / plain list (p50, p95)", `${(quantile(s.times, 0.5) / quantile(plain, 0.5)).toFixed(2)}x, ${(quantile(s.times, 0.95) / quantile(plain, 0.95)).toFixed(2)}x`, "≈ 1x");
  record("rows in the DOM while scrolling (max)", `${s.maxRows} (list is ${(s.height / 1e6).toFixed(1)} Mpx tall)`, "only the visible ones");
  const jumps = [];
  for (const at of [0.5, 0.9, 0.1, 0.75, 0.3]) jumps.push(await d.executeAsyncScript(JUMP, at));
  record("jump across the list → rows filled (median / max)", `${ms(quantile(jumps, 0.5))} / ${ms(Math.max(...jumps))}`, "");
  await d.executeScript("document.querySelector('[data-testid=documents]').scrollTop = 0");

  // As-you-type search: from the last keystroke to the results painted (while a search
  // runs, the UI waits for it, then searches for the newest text), beside the search
  // command alone through IPC.
  console.log("searching…");
  const box = await find(d, "search");
  await d.executeScript(ARM_SEARCH);
  const typed = [];
  const ipc = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const q of QUERIES) {
      await typeInto(box, "");
      await d.executeAsyncScript(WAIT_INTERACTIVE);
      await typeInto(box, q);
      typed.push(await d.executeAsyncScript(WAIT_SHOWN, q));
      ipc.push(await d.executeAsyncScript(IPC_SEARCH, q));
      console.log(`  round ${r + 1} ${JSON.stringify(q)}: ${ms(typed.at(-1))} (IPC ${ms(ipc.at(-1))})`);
    }
  }
  assert.ok(ipc.every((t) => t >= 0), "every search succeeded");
  record(`search: last keystroke → results painted, p50 / p95 (${typed.length} searches)`, `${ms(quantile(typed, 0.5))} / ${ms(quantile(typed, 0.95))}`, "< 100 ms");
  record("search command alone through IPC (first page of 50, snippets, facets), p50 / p95", `${ms(quantile(ipc, 0.5))} / ${ms(quantile(ipc, 0.95))}`, "");
  record("ratio: keystroke → painted / IPC search (p50)", `${(quantile(typed, 0.5) / quantile(ipc, 0.5)).toFixed(2)}x`, "");

  // Idle: the list shown, nothing being typed or processed.
  console.log("idle memory…");
  await typeInto(box, "");
  await d.executeAsyncScript(WAIT_INTERACTIVE);
  await d.wait(async () => (await (await find(d, "processing")).getAttribute("data-busy")) === "no", TIMEOUT);
  const m = memory();
  console.log("app RSS by mapping (MiB):");
  for (const [file, mib] of rssByFile(m.pid).slice(0, 25)) console.log(`  ${mib.toFixed(1).padStart(7)}  ${file}`);
  record("idle memory after scrolling and searching, app process (RSS)", memLine(m), "< 150 MB (143 MiB)");
  record("… of which mapped files (libraries, the search index: shared, reclaimable)", `${(m.app - (m.anon ?? 0)).toFixed(0)} MiB`, "");
  record(`idle memory, WebKit processes (${m.children.length}: ${[...new Set(m.children)].join(", ")})`, memLine({ app: m.web, anon: m.webAnon }), "");
  record("idle memory, PDF workers (RSS; a separate process pdfium runs in)", `${Math.round(m.workers)} MiB`, "");
} finally {
  await d.quit();
}
console.log("\n| measure | figure | target |\n| --- | --- | --- |\n" + rows.join("\n"));
