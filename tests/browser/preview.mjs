// SPDX-License-Identifier: GPL-3.0-or-later
// tests/browser/preview.mjs PROJECT DOC CSV FROM TO GEN: `gen preview` as a person uses it, in
// Debian's headless Chromium. Starts GEN preview DOC in PROJECT, opens the page, changes FROM
// to TO in the data file CSV and waits for the figure on the page (printing the time from the
// save to the screen); plants an error and waits for its message over the last good text;
// fixes it; and asks with a foreign Host header and for a path outside. Prints a line per
// check and "N passed, N failed". Run by tests/html.sh and bench/run.sh.
import puppeteer from 'puppeteer-core';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, renameSync, mkdirSync, copyFileSync, readdirSync,
  rmSync, symlinkSync, unlinkSync, statSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
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

// Sends `text` as it is on a connection of its own; resolves to what came back and after how
// many milliseconds the server closed it (or gave up after `wait`).
const raw = (port, text, wait) => new Promise((resolve) => {
  const t0 = performance.now();
  let got = '';
  const s = connect(port, '127.0.0.1', () => s.write(text));
  const done = () => { clearTimeout(timer); s.destroy();
    resolve({ got, ms: performance.now() - t0 }); };
  const timer = setTimeout(done, wait);
  s.on('data', (d) => { got += d; });
  s.on('close', done);
  s.on('error', done);
});
// The response to GET / with its headers.
const head = (port) => new Promise((resolve) => {
  const r = request({ host: '127.0.0.1', port, path: '/', headers: { Host: `127.0.0.1:${port}` } },
    (res) => { let body = ''; res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ headers: res.headers, body })); });
  r.on('error', () => resolve({ headers: {}, body: '' }));
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
  await page.evaluate(() => { window.kept = document.querySelector('#doc h1, #doc p'); });
  const t0 = performance.now();
  save(file, fresh);
  const seen = await shows(to);
  const ms = Math.round(performance.now() - t0);
  check(seen, 'follows-a-save', `"${to}" not on the page after the save`);
  console.log(`save-to-screen: ${ms} ms`);
  // What the save did not change is left as it was (laid out again, it took the browser
  // longer than the rest of the preview), and the page is the one a fresh load shows.
  const whole = await browser.newPage();
  await whole.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
  const html = (p) => p.evaluate(() => ['errors', 'doc'].map((id) =>
    document.getElementById(id).innerHTML).join(''));
  const [patched, loaded] = [await html(page), await html(whole)];
  await whole.close();
  check(await page.evaluate(() => document.contains(window.kept)) && patched === loaded,
    'changes-only-what-differs', patched === loaded ? 'its first heading was put in afresh ' +
    await page.evaluate(() => String(window.kept && window.kept.outerHTML)) :
    'the page differs from the page loaded afresh');

  // Once the save's PDF is made, out/ is what `gen build` leaves: the text, the twin's link
  // giving this PDF's size, the preflight page its pages; and the page shows that twin.
  const out = join(project, 'out');
  const read = (f) => { try { return readFileSync(join(out, f), 'utf8'); } catch { return ''; } };
  let built = false;
  for (let i = 0; i < 300 && !built; i++) {
    built = read(`${doc}.txt`).includes(to) && read(`${doc}/preflight.html`).includes('<dt>Pages</dt>');
    if (!built) await new Promise((r) => setTimeout(r, 100));
  }
  const bytes = statSync(join(out, `${doc}.pdf`)).size;
  const size = bytes < 1000 * 1024 ? `${bytes < 512 ? 1 : Math.floor((bytes + 512) / 1024)} KB`
    : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  const link = (read(`${doc}/index.html`).match(/Download the PDF \(([^)]*)\)/) || [])[1];
  const pagesSaid = (read(`${doc}/preflight.html`).match(/<dt>Pages<\/dt>\s*<dd>(\d+)/) || [])[1];
  const shown = await page.waitForFunction((s) => document.getElementById('doc').innerHTML
    .includes(`Download the PDF (${s})`), { timeout: 20000 }, size).then(() => true, () => false);
  check(built && link === size && shown && Number(pagesSaid) ===
    await page.evaluate(() => document.querySelectorAll('#pages img').length),
    'out-is-what-a-build-writes', `text and pages written ${built}, link "${link}" for ` +
    `${size}, shown ${shown}, preflight pages ${pagesSaid}`);

  // An error only the PDF's layout finds (a figure wider than its column) is shown too, not
  // hidden behind the last good pages.
  const plan = join(project, 'content', doc.split('/')[0], 'data', 'action-plan-1.csv');
  const planText = existsSync(plan) ? readFileSync(plan, 'utf8') : '';
  if (planText) {
    const rows = planText.split('\n');
    rows[1] = rows[1].replace(/,,$/, ',1234567890123456789012345,');
    save(plan, rows.join('\n'));
    const wide = await page.waitForFunction(() =>
      document.getElementById('errors').innerText.includes('does not fit column'),
      { timeout: 20000 }).then(() => true, () => false);
    save(plan, planText);
    const gone = await page.waitForFunction(() =>
      document.getElementById('errors').innerText.trim() === '', { timeout: 20000 })
      .then(() => true, () => false);
    check(wide && gone, 'shows-an-error-the-pdf-finds', `shown ${wide}, cleared ${gone}`);
  }

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
  // Nor through a link in out/: a file, and the fonts' folder, made links.
  const assets = join(project, 'out', doc, 'assets');
  symlinkSync(join(project, 'content', doc.split('/')[0], 'index.md'), join(assets, 'planted.css'));
  renameSync(join(assets, 'fonts'), join(assets, 'fonts.real'));
  symlinkSync(join(assets, 'fonts.real'), join(assets, 'fonts'));
  const viaLink = [await get(port, '/assets/planted.css', `127.0.0.1:${port}`),
    await get(port, '/assets/fonts/Inter-Regular.otf', `127.0.0.1:${port}`)];
  unlinkSync(join(assets, 'fonts'));
  renameSync(join(assets, 'fonts.real'), join(assets, 'fonts'));
  unlinkSync(join(assets, 'planted.css'));
  check(viaLink[0] === 404 && viaLink[1] === 404 &&
    await get(port, '/assets/fonts/Inter-Regular.otf', `127.0.0.1:${port}`) === 200,
    'serves-nothing-through-a-link', `answered ${viaLink.join(' and ')}`);

  // One Host only, and a request that never ends is closed within seconds.
  const two = await raw(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    `Host: evil.example\r\n\r\n`, 5000);
  const twoFirst = await raw(port, `GET / HTTP/1.1\r\nHost: evil.example\r\n` +
    `Host: 127.0.0.1:${port}\r\n\r\n`, 5000);
  check(/^HTTP\/1\.1 403/.test(two.got) && /^HTTP\/1\.1 403/.test(twoFirst.got),
    'refuses-two-hosts', `answered ${two.got.slice(0, 20)} and ${twoFirst.got.slice(0, 20)}`);
  const slow = await raw(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, 20000);
  check(slow.ms < 10000 && !slow.got.includes('200 OK'), 'closes-a-slow-request',
    `closed after ${Math.round(slow.ms)} ms: ${slow.got.slice(0, 40)}`);
  const { headers, body } = await head(port);
  const nonce = (headers['content-security-policy'] || '').match(/script-src 'nonce-([^']+)'/);
  check(nonce && body.includes(`<script nonce="${nonce[1]}">`) &&
    (body.match(/<script/g) || []).length === 1, 'one-script-by-its-nonce',
    `policy "${headers['content-security-policy']}"`);
  // A page that opened before the last change is sent that change's parts when it connects.
  const events = await raw(port, `GET /events?since=0 HTTP/1.1\r\nHost: 127.0.0.1:${port}` +
    `\r\n\r\n`, 1500);
  check(/^HTTP\/1\.1 200/.test(events.got) && events.got.includes('data: <div id="errors"') &&
    /data: <main id="doc" data-generation="[1-9]/.test(events.got), 'sends-what-changed-since',
    events.got.slice(0, 200));

  // It follows what the build reads: a picture in a folder of its own, made now.
  const dir = join(project, 'content', doc.split('/')[0]);
  const chapter = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'index.md').sort()[0];
  const md = readFileSync(join(dir, chapter), 'utf8');
  const src = () => page.evaluate(() =>
    [...document.querySelectorAll('#doc img')].map((i) => i.getAttribute('src')).join(' '));
  mkdirSync(join(dir, 'pictures', 'new'), { recursive: true });
  copyFileSync('../layout/features/chart.png', join(dir, 'pictures', 'new', 'map.png'));
  save(join(dir, chapter), md + '\n![A map](pictures/new/map.png)\n');
  const first = await page.waitForFunction(() => document.querySelector('#doc img[src*="map-"]'),
    { timeout: 20000 }).then(async () => src(), () => '');
  copyFileSync('../pages/chart.png', join(dir, 'pictures', 'new', 'map.png'));
  const second = await page.waitForFunction((was) => [...document.querySelectorAll('#doc img')]
    .map((i) => i.getAttribute('src')).join(' ') !== was, { timeout: 20000 }, first)
    .then(async () => src(), () => '');
  check(first.includes('map-') && second.includes('map-') && first !== second,
    'follows-a-picture-in-a-new-folder', `the picture's address went from "${first}" to ` +
    `"${second}"`);
  save(join(dir, chapter), md);

  // data/ taken away and made again; the document's folder taken away and put back.
  const errorShows = () => page.waitForFunction(() =>
    document.getElementById('errors').innerText.trim() !== '', { timeout: 20000 })
    .then(() => true, () => false);
  const errorClears = () => page.waitForFunction(() =>
    document.getElementById('errors').innerText.trim() === '', { timeout: 20000 })
    .then(() => true, () => false);
  const data = join(dir, 'data');
  renameSync(data, data + '.away');
  const gone = await errorShows();
  mkdirSync(data);
  for (const f of readdirSync(data + '.away')) copyFileSync(join(data + '.away', f), join(data, f));
  rmSync(data + '.away', { recursive: true });
  const back = await errorClears();
  save(file, fresh);
  check(gone && back && await shows(to), 'follows-a-data-folder-made-anew',
    `error shown ${gone}, cleared ${back}, then a save in the new folder not followed`);
  renameSync(dir, dir + '.away');
  const docGone = await errorShows();
  renameSync(dir + '.away', dir);
  const docBack = await errorClears();
  save(file, original);
  check(docGone && docBack && await shows(from), 'follows-a-document-put-back',
    `error shown ${docGone}, cleared ${docBack}, then a save not followed`);
} finally {
  await browser.close();
  server.kill('SIGINT');
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
