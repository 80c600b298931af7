// SPDX-License-Identifier: GPL-3.0-or-later
// tests/browser/same-words.mjs FILE.pdf DIR: the words a reader gets from the PDF's tagged
// structure and from the HTML pages in DIR, compared block by block: headings, paragraphs,
// list items, table cells, captions and alternative text. Furniture is left out on both sides
// (the PDF's artifacts and contents, the pages' navigation). A block of one side that the other
// lacks is printed; exit 1 when there is any. Run by tests/html.sh.
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import puppeteer from 'puppeteer-core';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [pdfPath, dir] = process.argv.slice(2);
const BLOCKS = new Set(['P', 'H', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TH', 'TD', 'Caption',
  'LBody']);
// Elements whose words belong to the block around them.
const INLINE = new Set(['Span', 'Link', 'Reference', 'Code', 'Quote', 'Em', 'Strong',
  'NonStruct']);
// Whitespace is left out: the two back-ends break lines in different places.
// A numbered paragraph's number (3., 3.1, or 12 run on through a report) is furniture too.
const norm = (s) => s.replace(/[\u00ad\u2060\u200b]/g, '').replace(/^\s*\d+(\.\d*)?\s+/, '')
  .replace(/\s+/g, '');

async function pdfBlocks(path) {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(path)),
    verbosity: 0 }).promise;
  const out = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const text = await page.getTextContent({ includeMarkedContent: true });
    const mc = new Map();
    const open = [];
    for (const it of text.items) {
      if (it.type === 'beginMarkedContentProps' || it.type === 'beginMarkedContent') {
        open.push(it.id ?? null);
      } else if (it.type === 'endMarkedContent') {
        open.pop();
      } else if (it.str !== undefined) {
        const id = open.findLast((x) => x !== null);
        if (id) mc.set(id, (mc.get(id) ?? '') + it.str);
      }
    }
    const tree = await page.getStructTree();
    // a block's own words: its content and its inline elements', not its blocks' (a list
    // item's nested list) nor a list label (the HTML's are drawn by the browser)
    const textOf = (n) => n.type === 'content' ? (mc.get(n.id) ?? '') :
      n.role === 'Lbl' ? '' : (n.children ?? []).filter((c) => c.type === 'content' ||
        INLINE.has(c.role)).map(textOf).join('');
    const walk = (n) => {
      if (n.role === 'TOC' || n.role === 'Artifact') return;
      if (n.role === 'Figure' && n.alt) out.push({ kind: 'alt', text: n.alt });
      if (BLOCKS.has(n.role)) {
        const t = textOf(n);
        if (norm(t)) out.push({ kind: 'block', text: t });
      }
      for (const c of n.children ?? [])
        if (c.type !== 'content' && !INLINE.has(c.role)) walk(c);
    };
    if (tree) walk(tree);
  }
  return out;
}

async function htmlBlocks(browser, files) {
  const out = [];
  for (const f of files) {
    const page = await browser.newPage();
    await page.goto('file://' + resolve(f), { waitUntil: 'load' });
    const index = f.endsWith('/index.html');
    out.push(...await page.evaluate((index) => {
      const skip = 'nav ol, .skip, .masthead, .download, .pager, details, .back, .pnum, svg.defs, [aria-hidden=true]' +
        (index ? '' : ', footer');
      const blocks = [];
      // a block's own words, not those of the blocks it holds (a cell's heading)
      const nested = 'ul, ol, p, table, blockquote, figure, div, svg, h1, h2, h3, h4, h5, h6';
      const text = (el) => {
        const c = el.cloneNode(true);
        c.querySelectorAll(nested + ', ' + skip).forEach((x) => x.remove());
        return c.textContent;
      };
      for (const el of document.body.querySelectorAll(
        'p, h1, h2, h3, h4, h5, h6, th, td, caption, figcaption, li, img, [role=img]')) {
        if (el.closest(skip)) continue;
        if (el.matches('img')) { blocks.push({ kind: 'alt', text: el.alt }); continue; }
        if (el.matches('[role=img]')) {
          const desc = el.querySelector('desc');
          blocks.push({ kind: 'alt', text: desc ? desc.textContent : el.getAttribute('aria-label') });
          continue;
        }
        blocks.push({ kind: 'block', text: text(el) });
      }
      return blocks;
    }, index));
    await page.close();
  }
  return out;
}

const html = readdirSync(dir).filter((f) => f.endsWith('.html') && f !== 'preflight.html' &&
  f !== 'accessibility.html').map((f) => join(dir, f));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'],
});
const p = (await pdfBlocks(pdfPath)).filter((b) => norm(b.text));
const h = (await htmlBlocks(browser, html)).filter((b) => norm(b.text));
await browser.close();

// Each PDF block matches an HTML block of the same words; a paragraph the PDF split at a
// page break matches when its pieces, joined, do.
const want = new Map();
for (const b of h) {
  const k = b.kind + ':' + norm(b.text);
  want.set(k, (want.get(k) ?? 0) + 1);
}
const take = (k) => {
  const n = want.get(k) ?? 0;
  if (n === 0) return false;
  want.set(k, n - 1);
  return true;
};
const missing = [];
for (let i = 0; i < p.length; i++) {
  let k = p[i].kind + ':' + norm(p[i].text);
  if (take(k)) continue;
  let joined = norm(p[i].text), j = i + 1, found = false;
  for (; j < p.length && j < i + 4 && p[j].kind === p[i].kind; j++) {
    joined += norm(p[j].text);
    if (take(p[i].kind + ':' + joined)) { found = true; break; }
  }
  if (found) { i = j; continue; }
  missing.push(p[i]);
}
let bad = 0;
for (const b of missing) {
  bad++;
  console.log(`only in the PDF (${b.kind}): ${b.text.slice(0, 160)}`);
}
for (const [k, n] of want) {
  for (let i = 0; i < n; i++) {
    bad++;
    console.log(`only in the HTML (${k.slice(0, k.indexOf(':'))}): ${k.slice(k.indexOf(':') + 1, 160)}`);
  }
}
console.log(`${p.length} blocks in the PDF, ${h.length} in the HTML, ${bad} different`);
process.exit(bad ? 1 : 0);
