// scenario_admin.mjs — acceptance (d) and the admin half of (e): the admin builds a problem, its
// tests and a contest in the browser; imports a package with a progress bar; sees the API's
// own error messages for bad forms; watches the judges; answers clarifications live.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PY_ZIP = `
import os, sys, zipfile
out = sys.argv[1]
rnd = os.urandom(1536 * 1024).hex()  # 3 MiB of hex: the .ans is deflated, the .in stored (~4.6 MiB zip)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("problem.yaml", "name: Imported Echo\\nkeywords: imported io\\nlimits:\\n  time_limit: 2\\n  memory: 128\\n")
    z.writestr("problem_statement/problem.en.md", "Echo the number $n$ back.\\n")
    z.writestr("data/sample/1.in", "7\\n")
    z.writestr("data/sample/1.ans", "7\\n")
    z.writestr("data/secret/1.in", "42\\n")
    z.writestr("data/secret/1.ans", "42\\n")
    zi = zipfile.ZipInfo("data/secret/2-big.in"); zi.compress_type = zipfile.ZIP_STORED
    z.writestr(zi, rnd + "\\n")
    z.writestr("data/secret/2-big.ans", rnd + "\\n")
`;

function buildZip() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gavel-admin-zip-'));
  const file = path.join(dir, 'echo.zip');
  const r = spawnSync('/usr/bin/python3', ['-c', PY_ZIP, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('building the zip failed: ' + r.stderr);
  const buf = fs.readFileSync(file);
  fs.rmSync(dir, { recursive: true, force: true });
  return buf;
}

// The request the page sends for `action` (a click), and the body it carried.
async function sent(page, urlPart, method, action) {
  const [req] = await Promise.all([
    page.waitForRequest((r) => r.url().includes(urlPart) && r.method() === method),
    action(),
  ]);
  return req;
}

// The API's message, verbatim, in an error box inside `scope`.
async function apiError(t, scope, message) {
  const box = scope.locator('.error-box', { hasText: message });
  await box.first().waitFor();
  t.assert.ok((await box.first().innerText()).includes(message), `the error box does not quote "${message}"`);
}

async function noHorizontalScroll(t, page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  t.assert.ok(w <= 1, `${what}: the page scrolls sideways by ${w}px at ${page._gavelPhone ? 'phone' : 'desktop'} width`);
}

export async function run(t) {
  const { assert } = t;
  const admin = await t.admin();
  const tag = Date.now() % 1e6;
  const page = await t.newPage();
  await t.signInUI(page, 'admin', t.adminPassword);

  // ---- admin home ------------------------------------------------------------------------
  t.step('admin home lists every admin page');
  await page.goto(t.base + '/admin');
  await page.getByRole('heading', { name: 'Admin', exact: true }).waitFor();
  for (const name of ['+ New contest', '+ New problem', '⇪ Import package', '⚙ Judges', '↻ Rejudge']) {
    await page.getByRole('link', { name, exact: true }).waitFor();
  }
  const demo = await t.demoContest();
  await page.getByTestId(`contest-row-${demo.id}`).getByRole('link', { name: /^Clarifications/ }).waitFor();
  await page.getByTestId(`problem-row-${await t.demoProblem()}`).getByRole('link', { name: /^Edit/ }).waitFor();
  // A slow search answered after a newer one must not draw over it: hold the first answer
  // back until the second has been drawn.
  const isSlow = (u) => u.pathname === '/api/v1/problems' && u.searchParams.get('q') === 'zzz-slow';
  let release;
  const held = new Promise((r) => { release = r; });
  const slowRoute = (u) => isSlow(u); // playwright hands the matcher a URL
  await page.route(slowRoute, async (route) => { await held; await route.continue(); });
  await page.getByLabel('Search problems').fill('zzz-slow');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByLabel('Search problems').fill('A+B');
  const isFast = (u) => u.pathname === '/api/v1/problems' && u.searchParams.get('q') === 'A+B';
  const fastAnswered = page.waitForResponse((r) => isFast(new URL(r.url())));
  await page.getByRole('button', { name: 'Search' }).click();
  await (await fastAnswered).finished();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'A+B'
    && !document.querySelector('section[aria-labelledby="adm-problems"] [aria-busy]'));
  await page.getByRole('cell', { name: 'A+B', exact: true }).waitFor();
  const slowAnswered = page.waitForResponse((r) => isSlow(new URL(r.url())));
  release();
  await (await slowAnswered).finished();
  // A negative check needs a moment: the page reads the body and would draw right after.
  await page.evaluate(() => new Promise((r) => setTimeout(() => requestAnimationFrame(r), 150)));
  await page.getByRole('cell', { name: 'A+B', exact: true }).waitFor({ timeout: 1000 });
  assert.equal(await page.getByText('No problems match.').count(), 0, 'the older, slower search drew over the newer one');
  await page.unroute(slowRoute);
  await t.shot(page, 'admin-home');

  // ---- a problem with math, limits and two tests -------------------------------------------
  t.step('create a problem through the form');
  const ptitle = `Sum ${tag}`;
  // \{ and *…* inside math must reach KaTeX untouched by Markdown (mathmd.c)
  const statement = 'Print $a+b$.\n\nThe input has two integers $a$ and $b$ from $S = \\{1, 2\\}$, and $a*b*c$ fits.\n';
  await page.getByRole('link', { name: '+ New problem' }).click();
  await page.getByRole('heading', { name: 'New problem' }).waitFor();
  await page.getByLabel('Title', { exact: true }).fill(ptitle);
  await page.getByRole('textbox', { name: /^Statement/ }).fill(statement);
  await page.getByLabel('Time limit (ms)').fill('1500');
  await page.getByLabel('Memory limit (KB)').fill('131072');
  await page.getByLabel('Tags (comma-separated)').fill('math, easy');
  await page.getByRole('button', { name: 'Create problem' }).click();
  await page.waitForURL(/\/admin\/problems\/\d+$/);
  const pid = page.url().match(/\/admin\/problems\/(\d+)/)[1];
  await page.getByText('Problem created.').waitFor();
  // The preview shows the server's HTML with KaTeX typeset.
  await page.getByTestId('statement-preview').locator('.katex').first().waitFor();
  assert.match(await page.getByTestId('statement-preview').innerText(), /Print/);
  const tex = await page.getByTestId('statement-preview').locator('annotation[encoding="application/x-tex"]').allTextContents();
  assert.ok(tex.includes('S = \\{1, 2\\}') && tex.includes('a*b*c'), `KaTeX got: ${JSON.stringify(tex)}`);

  t.step('add a sample test by typing and a hidden one from files');
  await page.getByLabel('Input', { exact: true }).fill('1 2\n');
  await page.getByLabel('Expected output', { exact: true }).fill('3\n');
  await page.getByRole('checkbox', { name: /^Sample \(shown/ }).check();
  await page.getByRole('button', { name: 'Add test' }).click();
  await page.getByTestId('test-result').getByText('Added test 1 (sample).').waitFor();
  await page.getByTestId('samples-count').getByText('1 sample test').waitFor();
  await page.getByLabel('…or load a .in file').setInputFiles({ name: '2.in', mimeType: 'text/plain', buffer: Buffer.from('40 2\n') });
  await page.getByLabel('…or load a .ans file').setInputFiles({ name: '2.ans', mimeType: 'text/plain', buffer: Buffer.from('42\n') });
  await page.waitForFunction(() => document.querySelector('textarea[name=test_input]').value === '40 2\n'
    && document.querySelector('textarea[name=test_output]').value === '42\n');
  assert.equal(await page.getByRole('checkbox', { name: /^Sample \(shown/ }).isChecked(), false);
  await page.getByRole('button', { name: 'Add test' }).click();
  await page.getByTestId('test-result').getByText('Added test 2.').waitFor();
  await page.getByTestId('tests-known').getByText('The problem now has 2 tests').waitFor();
  await page.getByTestId('samples-count').getByText('1 sample test').waitFor();
  await t.shot(page, 'problem-edit');

  t.step('the API has the problem exactly as entered');
  const p = (await t.api('GET', `/api/v1/problems/${pid}`, undefined, admin)).json;
  assert.equal(p.title, ptitle);
  assert.equal(p.statement_md, statement);
  assert.equal(p.time_limit_ms, 1500);
  assert.equal(p.memory_limit_kb, 131072);
  assert.deepEqual(p.tags, ['math', 'easy']);
  assert.equal(p.checker.type, 'tokens');
  assert.deepEqual(p.samples, [{ input: '1 2\n', output: '3\n' }]);
  // The next test added through the API is number 3: the form made exactly two.
  const probe = await t.api('POST', `/api/v1/problems/${pid}/tests`, { input: '0 0\n', output: '0\n' }, admin);
  assert.equal(probe.status, 201, JSON.stringify(probe.json));
  assert.equal(probe.json.n, 3);

  // ---- contest form errors: the API's message, verbatim ----------------------------------
  t.step('contest form shows the API\'s 400 for an empty title and a bad start time');
  await page.goto(t.base + '/admin/contests/new');
  await page.getByRole('heading', { name: 'New contest' }).waitFor();
  const create = page.getByRole('button', { name: 'Create contest' });
  let req = await sent(page, '/api/v1/contests', 'POST', () => create.click());
  let api = await t.api('POST', '/api/v1/contests', req.postDataJSON(), admin);
  assert.equal(api.status, 400);
  assert.match(api.json.error.message, /title/);
  await apiError(t, page.getByTestId('contest-errors'), api.json.error.message);
  await page.getByLabel('Title', { exact: true }).fill(`Bad start ${tag}`);
  await page.getByLabel('Start time').fill('');
  req = await sent(page, '/api/v1/contests', 'POST', () => create.click());
  api = await t.api('POST', '/api/v1/contests', req.postDataJSON(), admin);
  assert.equal(api.status, 400);
  assert.match(api.json.error.message, /start_time/);
  await apiError(t, page.getByTestId('contest-errors'), api.json.error.message);

  // ---- create the contest ----------------------------------------------------------------
  t.step('create a contest (now, 1 h) with the problem as A');
  const ctitle = `Browser cup ${tag}`;
  await page.getByLabel('Title', { exact: true }).fill(ctitle);
  await page.getByRole('button', { name: 'Now', exact: true }).click();
  await page.getByTestId('start-utc').getByText(/^= \d{4}-\d\d-\d\dT\d\d:\d\d:00Z \(UTC\)$/).waitFor();
  await page.getByLabel('Duration', { exact: true }).fill('1:00');
  await page.getByLabel('Scoring').selectOption('icpc');
  await page.getByLabel('Find a problem to add').fill(ptitle);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await page.getByRole('button', { name: `Add ${ptitle}` }).click();
  assert.equal(await page.getByTestId(`label-${pid}`).inputValue(), 'A');
  await page.getByRole('button', { name: `${ptitle} is added` }).waitFor();
  const startedAt = Date.now();
  await create.click();
  await page.waitForURL(/\/admin\/contests\/\d+$/);
  const cid = page.url().match(/\/admin\/contests\/(\d+)/)[1];
  await page.getByText('Contest created.').waitFor();
  await page.getByTestId(`row-${pid}`).getByRole('link', { name: ptitle }).waitFor();
  await t.shot(page, 'contest-edit');

  t.step('the API has the contest exactly as entered, and /contests lists it');
  const c = (await t.api('GET', `/api/v1/contests/${cid}`, undefined, admin)).json;
  assert.equal(c.title, ctitle);
  assert.equal(c.duration_s, 3600);
  assert.equal(c.scoring, 'icpc');
  assert.equal(c.penalty_min, 20);
  assert.ok(!c.freeze_s, `no freeze was asked for, got ${c.freeze_s}`);
  assert.deepEqual(c.problems.map((x) => [String(x.problem_id), x.label]), [[pid, 'A']]);
  const st = Date.parse(c.start_time);
  assert.ok(Math.abs(st - startedAt) < 120000, `start ${c.start_time} is not "now"`);
  assert.equal(c.state, 'running');
  await page.goto(t.base + '/contests');
  await page.getByRole('link', { name: ctitle }).first().waitFor();

  // ---- import a package -------------------------------------------------------------------
  t.step('import a Kattis package with a progress bar');
  const zip = buildZip();
  await page.goto(t.base + '/admin/import');
  await page.getByRole('heading', { name: 'Import a problem package' }).waitFor();
  // Record everything the progress area shows, in order: the <progress> value (its setter
  // reflects to the attribute), the percentage and the phase text.
  await page.evaluate(() => {
    window.__seen = [];
    const prog = document.querySelector('[data-testid=upload-progress]');
    const pct = document.querySelector('[data-testid=upload-pct]');
    const phase = document.querySelector('[data-testid=upload-phase]');
    const log = (kind, v) => window.__seen.push({ kind, v });
    new MutationObserver(() => log('value', Number(prog.getAttribute('value')))).observe(prog, { attributes: true, attributeFilter: ['value'] });
    new MutationObserver(() => log('pct', pct.textContent)).observe(pct, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => log('phase', phase.textContent)).observe(phase, { childList: true, characterData: true, subtree: true });
  });
  // Loopback uploads finish in one progress event; throttle this page's uploads (~1.5 MiB/s)
  // so the bar really moves through intermediate values.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1.5 * 1024 * 1024 });
  await page.getByLabel('Problem package (.zip)').setInputFiles({ name: 'echo.zip', mimeType: 'application/zip', buffer: zip });
  await page.getByRole('button', { name: 'Upload and import' }).click();
  const result = page.getByTestId('import-result');
  await result.getByRole('heading', { name: '✓ Imported' }).waitFor({ timeout: 60000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await cdp.detach();
  const seen = await page.evaluate(() => window.__seen);
  const trace = JSON.stringify(seen);
  const values = seen.filter((x) => x.kind === 'value').map((x) => x.v);
  assert.ok(values.some((v) => v > 0 && v < 100), `the bar never showed an intermediate value: ${trace}`);
  assert.deepEqual(values, values.slice().sort((a, b) => a - b), `the bar went backwards: ${trace}`);
  assert.ok(seen.some((x) => x.kind === 'pct' && /^([1-9]|[1-9]\d) %$/.test(x.v)), `no intermediate percentage: ${trace}`);
  assert.ok(seen.some((x) => x.kind === 'phase' && /^Uploading echo\.zip: [\d.]+ (KiB|MiB) of [\d.]+ MiB…$/.test(x.v)), `no "x MB of y MB" phase: ${trace}`);
  const unpacking = seen.findIndex((x) => x.kind === 'phase' && x.v.startsWith('Uploaded; the server is unpacking'));
  const imported = seen.findIndex((x) => x.kind === 'phase' && x.v === 'Imported echo.zip.');
  assert.ok(unpacking >= 0 && imported > unpacking, `"the server is unpacking" was not shown before the result: ${trace}`);
  assert.equal(await page.getByTestId('upload-progress').evaluate((n) => n.value), 100);
  assert.equal(await page.getByTestId('upload-pct').innerText(), '100 %');
  const plink = result.getByRole('link', { name: /^#\d+ Imported Echo$/ });
  const ipid = (await plink.getAttribute('href')).match(/(\d+)$/)[1];
  await result.getByText(/3 tests/).waitFor();
  await t.shot(page, 'import');
  const ip = (await t.api('GET', `/api/v1/problems/${ipid}`, undefined, admin)).json;
  assert.equal(ip.title, 'Imported Echo');
  assert.equal(ip.time_limit_ms, 2000);
  assert.equal(ip.memory_limit_kb, 128 * 1024);
  assert.deepEqual(ip.samples, [{ input: '7\n', output: '7\n' }]);
  await plink.click();
  await page.getByRole('heading', { name: 'Edit problem: Imported Echo' }).waitFor();

  t.step('importing a file that is not a zip shows the API\'s message');
  await page.goto(t.base + '/admin/import');
  const notZip = Buffer.from('just some notes, not a package\n');
  await page.getByLabel('Problem package (.zip)').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: notZip });
  await page.getByRole('button', { name: 'Upload and import' }).click();
  const bad = await t.api('POST', '/api/v1/problems/import', notZip, admin);
  assert.equal(bad.status, 400);
  await apiError(t, page.getByTestId('import-errors'), bad.json.error.message);

  // ---- rejudge ----------------------------------------------------------------------------
  t.step('rejudge: the API\'s message for an empty request, then a problem');
  await page.goto(t.base + '/admin/rejudge');
  await page.getByRole('heading', { name: 'Rejudge' }).waitFor();
  const rj = await t.api('POST', '/api/v1/admin/rejudge', {}, admin);
  assert.equal(rj.status, 400);
  await page.getByRole('button', { name: 'Rejudge', exact: true }).click();
  await apiError(t, page.getByTestId('rejudge-errors'), rj.json.error.message);
  await page.getByLabel('Every submission to a problem').selectOption(pid);
  await page.getByRole('button', { name: 'Rejudge', exact: true }).click();
  await page.getByTestId('rejudge-result').getByText(/submissions? queued for rejudging \(problem #\d+\)/).waitFor();

  // ---- judges -----------------------------------------------------------------------------
  t.step('judges: at least one with its languages, state and isolation, refreshed live');
  await page.goto(t.base + '/admin/judges');
  const judgeRow = page.locator('tr[data-testid^="judge-"]').first();
  await judgeRow.waitFor();
  assert.match(await judgeRow.getByTestId('judge-state').innerText(), /Idle|Busy|Lost/);
  const langs = await judgeRow.getByTestId('judge-languages').innerText();
  assert.match(langs, /\bC\b/);
  assert.match(langs, /Python/);
  assert.match(await judgeRow.innerText(), /seccomp/);
  const stamp = page.getByTestId('judges-updated');
  const first = await stamp.innerText();
  assert.match(first, /^updated \d\d:\d\d:\d\d$/);
  await page.waitForFunction((f) => document.querySelector('[data-testid=judges-updated]').textContent !== f, first, { timeout: 8000 });
  // Keyboard focus inside the table survives the 2-second refreshes (rows are patched in place).
  const langsToggle = judgeRow.getByTestId('judge-languages').locator('summary');
  await langsToggle.focus();
  await page.keyboard.press('Enter'); // opens the language list
  await page.evaluate(() => { window.__focused = document.activeElement; });
  const before = await stamp.innerText();
  await page.waitForFunction((b) => document.querySelector('[data-testid=judges-updated]').textContent !== b, before, { timeout: 8000 });
  const mid = await stamp.innerText();
  await page.waitForFunction((b) => document.querySelector('[data-testid=judges-updated]').textContent !== b, mid, { timeout: 8000 });
  assert.ok(await page.evaluate(() => window.__focused.isConnected && document.activeElement === window.__focused),
    'the focused languages toggle was replaced or lost focus after two refreshes');
  assert.equal(await judgeRow.getByTestId('judge-languages').locator('details').evaluate((d) => d.open), true);
  await t.shot(page, 'judges');

  // ---- jury clarifications, live ------------------------------------------------------------
  t.step('jury clarifications: questions arrive live; answer privately; announce');
  const u = await t.newUser('clar');
  assert.equal((await t.api('POST', `/api/v1/contests/${cid}/register`, undefined, u.token)).status, 204);
  const q1 = await t.api('POST', `/api/v1/contests/${cid}/clarifications`, { text: 'Can a be negative?', problem_id: pid }, u.token);
  assert.equal(q1.status, 201, JSON.stringify(q1.json));
  await page.goto(t.base + `/admin/contests/${cid}/clarifications`);
  await page.getByRole('heading', { name: `Clarifications — ${ctitle}` }).waitFor();
  const open = page.getByTestId('clar-unanswered');
  await open.getByText('Can a be negative?').waitFor();
  await page.getByTestId('clar-status').getByText(/^Live/).waitFor();
  const q2 = await t.api('POST', `/api/v1/contests/${cid}/clarifications`, { text: 'Is the output one line?' }, u.token);
  assert.equal(q2.status, 201);
  await open.getByText('Is the output one line?').waitFor(); // no reload
  const item = page.getByTestId(`clar-${q1.json.id}`);
  await item.getByLabel(`Answer ${u.username}`).fill('Yes: |a| ≤ 10^9.');
  await item.getByRole('button', { name: 'Answer privately' }).click();
  await page.getByTestId('clar-answered').getByText('Yes: |a| ≤ 10^9.').waitFor();
  await page.getByTestId('clar-answered').getByText('✓ Answered privately').waitFor();
  const mine = (await t.api('GET', `/api/v1/contests/${cid}/clarifications`, undefined, u.token)).json.items;
  const a1 = mine.find((x) => x.id === q1.json.id);
  assert.equal(a1.answer, 'Yes: |a| ≤ 10^9.');
  assert.equal(a1.public, false);
  // An empty answer is refused by the server, with its message.
  const item2 = page.getByTestId(`clar-${q2.json.id}`);
  await item2.getByRole('button', { name: 'Answer to everyone' }).click();
  const empty = await t.api('POST', `/api/v1/contests/${cid}/clarifications`, { reply_to: q2.json.id, text: '', public: true }, admin);
  assert.equal(empty.status, 400);
  await apiError(t, item2, empty.json.error.message);
  await page.getByLabel('Announcement', { exact: true }).fill('Problem A: the limits were fixed.');
  await page.getByRole('button', { name: 'Post announcement' }).click();
  await page.getByTestId('clar-announcements').getByText('Problem A: the limits were fixed.').waitFor();
  const anns = (await t.api('GET', `/api/v1/contests/${cid}/announcements`, undefined, u.token)).json.items;
  assert.ok(anns.some((x) => x.answer === 'Problem A: the limits were fixed.'), JSON.stringify(anns));
  await t.shot(page, 'jury-clarifications');

  for (const where of ['/admin', `/admin/contests/${cid}`, `/admin/problems/${pid}`, '/admin/judges', `/admin/contests/${cid}/clarifications`]) {
    await page.goto(t.base + where);
    await page.locator('main h1').first().waitFor();
    await noHorizontalScroll(t, page, where);
  }

  // ---- phone ------------------------------------------------------------------------------
  t.step('phone width: every admin page fits and works');
  const phone = await t.newPage({ phone: true });
  await phone.goto(t.base + '/signin');
  await phone.getByLabel('Username').fill('admin');
  await phone.getByLabel('Password').fill(t.adminPassword);
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await phone.waitForURL((u2) => !u2.pathname.startsWith('/signin'));
  const visits = [
    ['/admin', 'admin-home', () => phone.getByTestId(`contest-row-${cid}`).waitFor()],
    [`/admin/contests/${cid}`, 'contest-edit', () => phone.getByTestId(`row-${pid}`).getByRole('link', { name: ptitle }).waitFor()],
    [`/admin/problems/${pid}`, 'problem-edit', () => phone.getByTestId('statement-preview').locator('.katex').first().waitFor()],
    ['/admin/judges', 'judges', () => phone.locator('tr[data-testid^="judge-"]').first().waitFor()],
    [`/admin/contests/${cid}/clarifications`, 'jury-clarifications', () => phone.getByTestId('clar-unanswered').getByText('Is the output one line?').waitFor()],
  ];
  for (const [where, name, ready] of visits) {
    await phone.goto(t.base + where);
    await ready();
    await noHorizontalScroll(t, phone, where);
    await t.shot(phone, name);
  }
  await phone.goto(t.base + '/admin/import');
  await phone.getByLabel('Problem package (.zip)').setInputFiles({ name: 'echo.zip', mimeType: 'application/zip', buffer: zip });
  await phone.getByRole('button', { name: 'Upload and import' }).click();
  await phone.getByTestId('import-result').getByRole('heading', { name: '✓ Imported' }).waitFor({ timeout: 60000 });
  await noHorizontalScroll(t, phone, '/admin/import');
  await t.shot(phone, 'import');

  // Chromium logs every 4xx answer as a console error; the refusals this scenario provokes on
  // purpose (400 for the bad forms) are expected, anything else is a failure.
  const real = (errs) => errs.filter((e) => !/^Failed to load resource: the server responded with a status of 400\b/.test(e));
  assert.deepEqual(real(page._gavelErrors), [], 'desktop page errors');
  assert.deepEqual(real(phone._gavelErrors), [], 'phone page errors');
}
