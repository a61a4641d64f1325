// Browser checks of policyc's exports, in one headless Chromium session (CI has two
// cores and 30 minutes for everything: one browser start, many pages).
//
//   node check.mjs JOB.json
//
// JOB.json: {
//   "screenshots": [{"url": "file:///...", "out": "x.png", "width": 1280, "height": 900,
//                    "full": true, "clip": {"x": 0, "y": 0, "width": 800, "height": 600},
//                    "tile": 2000}],
//   "axe": ["file:///.../index.html", ...],
//   "mermaid": [{"name": "npcc", "text": "flowchart TD ...", "out": "npcc.png"}]
// }
// Prints one JSON object: {"axe": {url: [violations]}, "mermaid": {name: {error, lines}}}.
// Chromium is the system's (CHROMIUM, else /usr/bin/chromium); nothing is downloaded.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const mermaidPath = require.resolve("mermaid/dist/mermaid.min.js");

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
  ],
});
const result = { axe: {}, mermaid: {}, tiles: [] };
try {
  const page = await browser.newPage();
  for (const s of job.screenshots || []) {
    await page.setViewport({ width: s.width || 1280, height: s.height || 900 });
    await page.goto(s.url, { waitUntil: "load" });
    if (s.tile) {
      // A long page as pictures of `tile` pixels each (`out` numbered -01, -02, ...):
      // one picture 20,000 pixels tall is too small to read once shown on a screen.
      const total = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let k = 0, y = 0; y < total; k++, y += s.tile) {
        const out = s.out.replace(/\.png$/, `-${String(k + 1).padStart(2, "0")}.png`);
        await page.screenshot({
          path: out,
          clip: { x: 0, y, width: s.width || 1280, height: Math.min(s.tile, total - y) },
          captureBeyondViewport: true,
        });
        result.tiles.push(out);
      }
    } else {
      await page.screenshot(
        s.clip ? { path: s.out, clip: s.clip } : { path: s.out, fullPage: s.full !== false },
      );
    }
  }
  for (const url of job.axe || []) {
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(url, { waitUntil: "load" });
    // The report's Content-Security-Policy forbids scripts: axe is evaluated through the
    // DevTools protocol, which the page's policy does not govern.
    await page.evaluate(axeSource);
    const r = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const res = await axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      });
      return res.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
        count: v.nodes.length,
      }));
    });
    result.axe[url] = r;
  }
  if ((job.mermaid || []).length > 0) {
    await page.setViewport({ width: 1600, height: 1000 });
    await page.goto("about:blank");
    await page.setContent("<!DOCTYPE html><html><body style='margin:0;background:#fff'><div id='out'></div></body></html>");
    await page.addScriptTag({ path: mermaidPath });
    await page.evaluate(() => {
      // As GitHub renders it: the default theme, HTML labels.
      // eslint-disable-next-line no-undef
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
    });
    for (const m of job.mermaid) {
      const r = await page.evaluate(async (name, text) => {
        const out = document.getElementById("out");
        out.innerHTML = "";
        try {
          // eslint-disable-next-line no-undef
          await mermaid.parse(text);
          // eslint-disable-next-line no-undef
          const { svg } = await mermaid.render("g" + name.replace(/[^a-z0-9]/gi, ""), text);
          out.innerHTML = svg;
        } catch (e) {
          return { error: String(e && e.message ? e.message : e) };
        }
        // Each label as drawn: the lines the text was broken into by policyc (`<br>`)
        // and the lines the browser shows (a line Mermaid re-wrapped shows as more).
        const labels = [];
        for (const el of out.querySelectorAll("span.nodeLabel, span.edgeLabel")) {
          const text = el.textContent || "";
          if (!text.trim() || el.parentElement.closest("span.nodeLabel, span.edgeLabel")) continue;
          const written = el.querySelectorAll("br").length + 1;
          const tops = new Set();
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            for (const rect of range.getClientRects()) {
              if (rect.width > 0.5) tops.add(Math.round(rect.top / 4));
            }
          }
          labels.push({ text, written, shown: tops.size });
        }
        const svgEl = out.querySelector("svg");
        const box = svgEl ? svgEl.getBoundingClientRect() : { width: 0, height: 0 };
        return { labels, width: box.width, height: box.height };
      }, m.name, m.text);
      if (m.out && !r.error) {
        const el = await page.$("#out svg");
        if (el) await el.screenshot({ path: m.out });
      }
      result.mermaid[m.name] = r;
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
