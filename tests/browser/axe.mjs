// SPDX-License-Identifier: GPL-3.0-or-later
// tests/browser/axe.mjs FILE.html...: axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules over each
// page in Debian's headless Chromium, at 1280 px and at 320 px wide (reflow, WCAG 1.4.10), and
// whether the page scrolls sideways at 320 px. Prints a line per violation, then
// "N passed, N failed" (pages). Exit 1 on any violation. Run by tests/html.sh.
import puppeteer from 'puppeteer-core';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';

const files = process.argv.slice(2);
const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'],
});
let pass = 0, fail = 0;
for (const f of files) {
  let bad = 0;
  for (const width of [1280, 320]) {
    const page = await browser.newPage();
    await page.setViewport({ width, height: 900 });
    await page.setBypassCSP(true);	// the pages forbid every script; axe is the test's own
    await page.goto('file://' + resolve(f), { waitUntil: 'load' });
    await page.addScriptTag({ content: axe });
    const r = await page.evaluate(async () => await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }));
    for (const v of r.violations) {
      bad++;
      console.log(`${f} @${width}px: ${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} ` +
        `node(s), e.g. ${v.nodes[0]?.target?.join(' ')}`);
    }
    if (r.passes.length === 0) {
      bad++;
      console.log(`${f} @${width}px: axe ran no rule`);
    }
    // WCAG 1.4.10: at 320 px nothing but a table's own scrolling box is wider than the page
    const wide = await page.evaluate(() =>
      document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
    if (wide) {
      bad++;
      console.log(`${f} @${width}px: the page scrolls sideways`);
    }
    await page.close();
  }
  if (bad) fail++; else pass++;
}
await browser.close();
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
