// tests/browser/csp.mjs PAGE.html PLANTED.html PICTURE.svg: the HTML twin is safe to host, in
// Debian's headless Chromium. PAGE, a twin's page with pictures, shows every picture, its
// stylesheet and its fonts under its own Content-Security-Policy; PLANTED, a copy of it with a
// script, event attributes and a javascript: link put in, runs none of them; PICTURE, an SVG
// the twin copied from one that held a script and event attributes, runs nothing when opened
// by itself. Prints a line per check and "N passed, N failed". Run by tests/html.sh.
import puppeteer from 'puppeteer-core';
import { resolve } from 'node:path';

const [pagePath, plantedPath, svgPath] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (ok, name, why) => {
  if (ok) { passed++; console.log(`PASS html/csp-${name}`); }
  else { failed++; console.log(`FAIL html/csp-${name}: ${why}`); }
};
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'],
});
// Opens a file; returns the page, the dialogs it raised and what the console said.
const open = async (path) => {
  const page = await browser.newPage();
  const seen = { dialogs: 0, console: '' };
  page.on('dialog', async (d) => { seen.dialogs++; await d.dismiss(); });
  page.on('console', (m) => { seen.console += m.text() + '\n'; });
  await page.goto('file://' + resolve(path), { waitUntil: 'load' });
  await new Promise((r) => setTimeout(r, 300));	// an onload or onerror has run by now
  return { page, seen };
};

try {
  const { page } = await open(pagePath);
  const shown = await page.evaluate(async () => {
    await document.fonts.ready;
    const imgs = [...document.querySelectorAll('main img')];
    return {
      imgs: imgs.length,
      broken: imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
      font: getComputedStyle(document.body).fontFamily,
      loaded: [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family),
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '',
    };
  });
  check(shown.csp.includes("default-src 'none'") && !shown.csp.includes('script-src'),
    'policy', `the page's policy: "${shown.csp}"`);
  check(shown.imgs > 0 && shown.broken.length === 0, 'pictures-shown',
    `${shown.imgs} pictures, not shown: ${shown.broken.join(' ')}`);
  check(shown.font.includes('Inter') && shown.loaded.some((f) => f.includes('Inter')),
    'stylesheet-and-fonts', `font ${shown.font}; fonts loaded: ${shown.loaded.join(', ')}`);

  const planted = await open(plantedPath);
  const ran = await planted.page.evaluate(() => window.__ran ?? null);
  await planted.page.click('#planted-link').catch(() => {});
  await new Promise((r) => setTimeout(r, 300));
  const clicked = await planted.page.evaluate(() => window.__ran ?? null);
  check(ran === null && clicked === null && planted.seen.dialogs === 0 &&
    planted.seen.console.includes('Content Security Policy'), 'no-script-runs',
    `ran ${ran}, after the click ${clicked}, ${planted.seen.dialogs} dialogs; ` +
    `console: ${planted.seen.console.slice(0, 200)}`);

  const svg = await open(svgPath);
  const svgRan = await svg.page.evaluate(() => window.__ran ?? null);
  const drawn = await svg.page.evaluate(() => document.querySelectorAll('path, rect').length);
  check(svgRan === null && svg.seen.dialogs === 0 && drawn > 0, 'svg-picture-inert',
    `ran ${svgRan}, ${svg.seen.dialogs} dialogs, ${drawn} shapes drawn`);
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
