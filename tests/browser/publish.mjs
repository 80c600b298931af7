// SPDX-License-Identifier: GPL-3.0-or-later
// tests/browser/publish.mjs PAGE.html...: what a page needs to be published, as Chromium's
// accessibility tree gives it. Each page of a document links once to its PDF (a file that
// is there) in words that give its size as the file has it ("Download the PDF (124 KB)");
// each table that scrolls on its own is a region a keyboard reaches (tabindex 0) whose name
// is its caption's words (or, without one, its heading's, or else the document's title). A
// list page (out/DOC/index.html of a document built once per row, with no PDF of its own) is
// named with --list: each of its links must lead to a page that is there. Prints a line per
// fault; exit 1 when there is any. Run by tests/html.sh.
import puppeteer from 'puppeteer-core';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const lists = new Set();
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--list') lists.add(resolve(args[++i]));
  else pages.push(resolve(args[i]));
}
const size = (n) => n < 1000 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB`
  : `${(n / (1024 * 1024)).toFixed(1)} MB`;
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'],
});
let bad = 0;
const fault = (page, what) => { bad++; console.log(`${page}: ${what}`); };
for (const file of [...pages, ...lists]) {
  const page = await browser.newPage();
  await page.goto('file://' + file, { waitUntil: 'load' });
  const links = await page.$$eval('a[href$=".pdf"]', (as) => as.map((a) => ({
    href: a.href, words: a.textContent, type: a.type })));
  if (lists.has(file)) {
    // every link on a list page leads to a page that is there
    const hrefs = await page.$$eval('main a', (as) => as.map((a) => a.href));
    if (hrefs.length === 0) fault(file, 'the list links to no page');
    for (const h of hrefs)
      if (!existsSync(fileURLToPath(h))) fault(file, `a link to ${h}, which is not there`);
  } else if (links.length !== 1) {
    fault(file, `${links.length} links to a PDF, not one`);
  } else {
    const pdf = fileURLToPath(links[0].href);
    if (!existsSync(pdf)) fault(file, `its PDF ${pdf} is not there`);
    else if (!links[0].words.includes(`(${size(statSync(pdf).size)})`))
      fault(file, `"${links[0].words}" does not give the PDF's size, ${size(statSync(pdf).size)}`);
    if (links[0].type !== 'application/pdf') fault(file, 'the link does not say it is a PDF');
  }
  // the scrolling tables: reached by the keyboard and named by their captions (those of a
  // chart's figures opened, as a reader opens them)
  await page.$$eval('details', (ds) => ds.forEach((d) => { d.open = true; }));
  const regions = await page.$$('div.table');
  for (const r of regions) {
    const { tab, caption, heading } = await r.evaluate((el) => {
      let h = null;
      for (let n = el; n && !h; n = n.parentElement)
        for (let p = n.previousElementSibling; p && !h; p = p.previousElementSibling)
          if (/^H[1-6]$/.test(p.tagName)) h = p.textContent;
      return { tab: el.getAttribute('tabindex'), heading: h,
        caption: el.querySelector('caption')?.textContent ?? null };
    });
    const ax = await page.accessibility.snapshot({ root: r, interestingOnly: false });
    const name = (ax?.name ?? '').replace(/\s+/g, ' ').trim();
    // without a caption or a heading above (a report's cover block): the document's title
    const want = (caption ?? heading ?? (name && (await page.title()).endsWith(name) ? name :
      '(the document\'s title)')).replace(/\s+/g, ' ').trim();
    if (ax?.role !== 'region') fault(file, `a table's scrolling box is a ${ax?.role}, not a region`);
    else if (tab !== '0') fault(file, `the region of "${want}" cannot be reached by the keyboard`);
    else if (!want || name !== want) fault(file, `a table region is named "${name}", not "${want}"`);
  }
  await page.close();
}
await browser.close();
console.log(bad ? `${bad} faults` : `${pages.length + lists.size} pages: each links to its PDF, every table region is named`);
process.exit(bad ? 1 : 0);
