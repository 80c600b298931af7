// SPDX-License-Identifier: GPL-3.0-or-later
// tests/browser/shot.mjs FILE.html WIDTH OUT.png [SELECTOR]: a screenshot of a page (or of
// the element SELECTOR names) in Debian's headless Chromium, to look at what a reader sees.
import puppeteer from 'puppeteer-core';
import { resolve } from 'node:path';

const [file, width, out, selector] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage();
await page.setViewport({ width: Number(width), height: 900 });
await page.goto('file://' + resolve(file), { waitUntil: 'load' });
if (selector)
  await (await page.$(selector)).screenshot({ path: out });
else
  await page.screenshot({ path: out, fullPage: true });
await browser.close();
