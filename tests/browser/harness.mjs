// harness.mjs — what every browser scenario gets: a real cluster (ops/gavel up --detach on a
// random port, temporary data directory), Debian's chromium driven by playwright-core, API
// helpers for the "other side" (jury answers, other contestants), and screenshots.
//
// A scenario is a module `scenario_<name>.mjs` exporting `async function run(t)`; see
// run.mjs for the order. `t`:
//   t.base                       http://127.0.0.1:<port>
//   t.newPage({phone})           a fresh browser context (own localStorage) and page;
//                                desktop 1280x800 or phone 390x844 (touch, mobile UA)
//   t.api(method, path, body?, token?) → {status, json, headers}   (raw, never throws)
//   t.admin()                    admin token
//   t.newUser(prefix)            {username, password, id, token}: registered via the API
//   t.signInUI(page, username, password)   through the sign-in form; waits for the header
//   t.shot(page, name)           writes <shots>/<name>-<desktop|phone>.png
//   t.waitFor(fn, {timeout, what})  polls an async predicate (for API-side waits)
//   t.step(text)                 logs progress
//   t.demoContest()              the seeded "Demo contest" object
//   t.demoProblem()              the seeded A+B problem id
//   t.assert                     node:assert/strict
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
const GAVEL = path.join(ROOT, 'ops', 'gavel');
const ADMIN_PASSWORD = 'browser-admin-pw';

export const CHROMIUM_FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  // no traffic beyond the cluster under test
  '--disable-background-networking', '--disable-component-update', '--disable-default-apps',
  '--disable-sync', '--disable-extensions', '--disable-domain-reliability',
  '--disable-client-side-phishing-detection', '--disable-breakpad', '--metrics-recording-only',
  '--no-first-run', '--no-default-browser-check', '--no-pings', '--safebrowsing-disable-auto-update',
  '--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

export function chromiumPath() {
  for (const p of [process.env.GAVEL_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  throw new Error('chromium is missing: apt-get install chromium (ops/gavel test installs it), or set GAVEL_CHROMIUM');
}

export class Cluster {
  constructor() {
    this.data = fs.mkdtempSync(path.join(os.tmpdir(), 'gavel-ui-'));
    this.env = Object.assign({}, process.env, {
      GAVEL_NO_BUILD: '1', GAVEL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      GAVEL_BUILD: process.env.GAVEL_BUILD || path.join(ROOT, 'build'),
    });
  }
  async up() {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    // The per-user submission limits out of the way: scenarios submit many times as one user on
    // purpose (the live list of my submissions); tests/integration/test_floods.py pins them.
    const config = path.join(this.data, 'test-cluster.toml');
    fs.writeFileSync(config, fs.readFileSync(path.join(ROOT, 'cluster.toml'), 'utf8')
      .replace(/^submissions_per_minute_per_user = .*$/m, 'submissions_per_minute_per_user = 100000')
      .replace(/^max_queued_per_user = .*$/m, 'max_queued_per_user = 100000'));
    const r = spawnSync(GAVEL, ['up', '--detach', '--http', String(this.port), '--data', this.data,
      '--config', config], { env: this.env, encoding: 'utf8', timeout: 180000 });
    if (r.status !== 0) throw new Error(`ops/gavel up failed (${r.status}):\n${r.stdout}\n${r.stderr}\n${this.logs()}`);
  }
  down() {
    spawnSync(GAVEL, ['down', '--data', this.data], { env: this.env, encoding: 'utf8', timeout: 60000 });
  }
  logs() {
    const d = path.join(this.data, 'logs');
    if (!fs.existsSync(d)) return '';
    return fs.readdirSync(d).sort().map((f) => {
      const lines = fs.readFileSync(path.join(d, f), 'utf8').split('\n');
      return `--- ${f} ---\n` + lines.slice(-30).join('\n');
    }).join('\n');
  }
}

export async function makeT(cluster, browser, shotsDir) {
  const t = { base: cluster.base, assert, cluster };
  let adminToken = null;
  t.step = (text) => console.log(`    · ${text}`);
  t.api = async (method, p, body, token) => {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    let payload;
    if (body instanceof Uint8Array || Buffer.isBuffer(body)) { payload = body; headers['Content-Type'] = 'application/zip'; }
    else if (body !== undefined) { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
    const res = await fetch(t.base + p, { method, headers, body: payload });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { json = { raw: text }; }
    return { status: res.status, json, headers: res.headers };
  };
  t.login = async (username, password) => {
    const r = await t.api('POST', '/api/v1/auth/login', { username, password });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.token;
  };
  t.admin = async () => (adminToken ||= await t.login('admin', ADMIN_PASSWORD));
  t.adminPassword = ADMIN_PASSWORD;
  let seq = 0;
  t.newUser = async (prefix = 'user') => {
    const username = `${prefix}${Date.now() % 1e7}${seq++}`, password = 'correct horse battery';
    const r = await t.api('POST', '/api/v1/auth/register', { username, password });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    return { username, password, id: r.json.id, token: await t.login(username, password) };
  };
  t.waitFor = async (fn, { timeout = 30000, what = 'condition' } = {}) => {
    const end = Date.now() + timeout;
    let last;
    while (Date.now() < end) {
      last = await fn();
      if (last) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
  };
  t.demoProblem = async () => {
    const r = await t.api('GET', '/api/v1/problems?q=A%2BB', undefined, await t.admin());
    const p = (r.json.items || []).find((x) => x.title === 'A+B');
    assert.ok(p, 'the demo problem A+B was not seeded');
    return p.id;
  };
  t.demoContest = async () => {
    const r = await t.api('GET', '/api/v1/contests', undefined, await t.admin());
    const list = Array.isArray(r.json) ? r.json : r.json.items || r.json.contests || [];
    const c = list.find((x) => x.title === 'Demo contest');
    assert.ok(c, 'the demo contest was not seeded');
    return c;
  };
  const contexts = [];
  t.newPage = async ({ phone = false } = {}) => {
    const ctx = await browser.newContext(phone
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
          userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36' }
      : { viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(20000);
    page._gavelPhone = phone;
    page._gavelErrors = [];
    page.on('pageerror', (e) => page._gavelErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') page._gavelErrors.push(m.text()); });
    // Everything the page loads must come from the edge: the machines that run contests are offline.
    await ctx.route((url) => !url.href.startsWith(t.base) && !url.href.startsWith(t.base.replace('http', 'ws')),
      (route) => { page._gavelErrors.push('external request: ' + route.request().url()); return route.abort().catch(() => {}); });
    return page;
  };
  t.closeAll = async () => { for (const c of contexts.splice(0)) await c.close().catch(() => {}); };
  t.signInUI = async (page, username, password) => {
    await page.goto(t.base + '/signin');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').filter({ hasText: username }).waitFor({ state: 'attached' }); // hidden in the phone menu
  };
  t.shot = async (page, name) => {
    fs.mkdirSync(shotsDir, { recursive: true });
    const file = path.join(shotsDir, `${name}-${page._gavelPhone ? 'phone' : 'desktop'}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
  return t;
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}
