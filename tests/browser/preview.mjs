// SPDX-License-Identifier: GPL-3.0-or-later
// tests/browser/preview.mjs PROJECT DOC CSV FROM TO GEN: `gen preview` as a person uses it, in
// Debian's headless Chromium. Starts GEN preview DOC in PROJECT, opens the page, changes FROM
// to TO in the data file CSV and waits for the figure on the page (printing the time from the
// save to the screen); plants an error and waits for its message over the last good text;
// fixes it; and asks with a foreign Host header and for a path outside. Prints a line per
// check and "N passed, N failed". Run by tests/html.sh and bench/run.sh.
import puppeteer from 'puppeteer-core';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

const [project, doc, csv, from, to, gen] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (ok, name, why) => {
  if (ok) { passed++; console.log(`PASS preview/${name}`); }
  else { failed++; console.log(`FAIL preview/${name}: ${why}`); }
};
// A save as an editor makes it: the whole file written anew, then renamed into place.
const save = (file, text) => { writeFileSync(file + '.new', text); renameSync(file + '.new', file); };
const get = (port, path, host) => new Promise((resolve) => {
  const r = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  r.on('error', () => resolve(0));
  r.end();
});

const server = spawn(gen, ['preview', doc, '--port', '0'], { cwd: project,
  stdio: ['ignore', 'pipe', 'pipe'] });
let said = '';
const port = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(0), 60000);
  server.stdout.on('data', (d) => {
    said += d;
    const m = said.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    if (m) { clearTimeout(timer); resolve(Number(m[1])); }
  });
  server.on('exit', () => resolve(0));
});
check(port > 0, 'starts', `no address printed: ${said}`);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
  const text = () => page.evaluate(() => document.getElementById('doc').innerText);
  const shows = (s) => page.waitForFunction((s) =>
    document.getElementById('doc').innerText.includes(s), { timeout: 20000 }, s)
    .then(() => true, () => false);
  check((await text()).includes(from), 'shows-the-document', `no "${from}" on the page`);
  const pages = await page.evaluate(() => document.querySelectorAll('#pages img').length);
  check(pages > 0, 'shows-the-pdf-pages', 'no page pictures');

  const file = join(project, 'content', doc.split('/')[0], 'data', csv);
  const original = readFileSync(file, 'utf8');
  const fresh = original.replace(from.replace(/,/g, ''), to.replace(/,/g, ''));
  const t0 = performance.now();
  save(file, fresh);
  const seen = await shows(to);
  const ms = Math.round(performance.now() - t0);
  check(seen, 'follows-a-save', `"${to}" not on the page after the save`);
  console.log(`save-to-screen: ${ms} ms`);

  save(file, fresh.replace(to.replace(/,/g, ''), 'forty-one'));
  const error = await page.waitForFunction(() =>
    document.getElementById('errors').innerText.includes('is not a number'),
    { timeout: 20000 }).then(() => true, () => false);
  const kept = (await text()).includes(to);
  const where = await page.evaluate(() => document.getElementById('errors').innerText);
  check(error && kept && where.includes(csv) && where.includes('^'), 'shows-an-error',
    `error shown ${error}, last good text kept ${kept}: ${where.slice(0, 200)}`);
  save(file, original);
  const cleared = await page.waitForFunction(() =>
    document.getElementById('errors').innerText.trim() === '', { timeout: 20000 })
    .then(() => true, () => false);
  check(cleared && await shows(from), 'clears-when-fixed', 'the error stays after the fix');

  check(await get(port, '/', `evil.example:${port}`) === 403, 'refuses-a-foreign-host',
    'a request with another Host was answered');
  check(await get(port, '/', `127.0.0.1:${port}`) === 200, 'answers-its-own-host', 'no');
  check(await get(port, '/assets/../../../../etc/passwd', `127.0.0.1:${port}`) === 404 &&
    await get(port, '/assets/%2e%2e/%2e%2e/index.md', `127.0.0.1:${port}`) === 404,
    'serves-nothing-outside', 'a path outside was answered');
} finally {
  await browser.close();
  server.kill('SIGINT');
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
