// scenario_scoreboard.mjs — acceptance (b): the live scoreboard.
//
// U1 watches a fresh contest's scoreboard in the browser; U2 (through the API) solves A; the
// board shows U2's solved cell with the first-to-solve marker without a reload, U1's row is
// the highlighted one. Then a contest in its freeze period: the contestant sees the freeze
// banner and a submission judged during the freeze as pending ("?"), while the jury sees it
// solved and can switch to the contestants' view.
const AC_C = '#include <stdio.h>\nint main(void){long long a,b;if(scanf("%lld %lld",&a,&b)!=2)return 1;printf("%lld\\n",a+b);return 0;}\n';
const WA_C = '#include <stdio.h>\nint main(void){printf("0\\n");return 0;}\n';

async function submit(t, token, contestId, problemId, source) {
  const r = await t.api('POST', '/api/v1/submissions', { problem_id: problemId, contest_id: contestId, language: 'c', source }, token);
  t.assert.equal(r.status, 202, JSON.stringify(r.json));
  return r.json.id;
}
async function judged(t, token, id) {
  return t.waitFor(async () => {
    const r = await t.api('GET', `/api/v1/submissions/${id}`, undefined, token);
    return r.status === 200 && r.json.status === 'done' ? r.json : null;
  }, { timeout: 60000, what: `submission ${id} to be judged` });
}
async function createContest(t, body) {
  const r = await t.api('POST', '/api/v1/contests', body, await t.admin());
  t.assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}
async function register(t, user, contestId) {
  const r = await t.api('POST', `/api/v1/contests/${contestId}/register`, undefined, user.token);
  t.assert.equal(r.status, 204, JSON.stringify(r.json));
}
const boardRow = (page, username) => page.getByTestId('scoreboard').locator('tbody tr').filter({ hasText: username });

const tab = (page, name) => page.getByRole('navigation', { name: 'Contest' }).getByRole('link', { name, exact: true });

export async function run(t) {
  const { assert } = t;
  const problemId = await t.demoProblem();

  t.step('a fresh running contest (so the first solver is known), U1 and U2 registered through the API');
  const title = `Live board ${Date.now() % 1e6}`;
  const cid = await createContest(t, {
    title, start_time: new Date(Date.now() - 5000).toISOString(), duration_s: 7200, scoring: 'icpc',
    problems: [{ problem_id: problemId, label: 'A' }],
  });
  const contest = (await t.api('GET', `/api/v1/contests/${cid}`)).json;
  const pidA = contest.problems.find((p) => p.label === 'A').problem_id;
  const u1 = await t.newUser('sbone'), u2 = await t.newUser('sbtwo');
  await register(t, u1, cid);
  await register(t, u2, cid);

  const page = await t.newPage();
  await t.signInUI(page, u1.username, u1.password);

  t.step('contests list: the new contest is under "Running" with a live countdown');
  await page.goto(t.base + '/contests');
  const card = page.getByTestId('contests-running').getByTestId(`contest-${cid}`);
  await card.waitFor();
  await card.getByRole('link', { name: title }).waitFor();
  await card.getByText(/^Ends in \d/).waitFor();
  await t.shot(page, 'contests-list');

  t.step('contest page: problem "A. A+B", tabs, U1 registered');
  await card.getByRole('link', { name: title }).click();
  await page.getByRole('link', { name: 'A. A+B' }).waitFor();
  assert.equal(await tab(page, 'Problems').getAttribute('aria-current'), 'page');
  await page.getByText('You are registered.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Register for this contest' }).count(), 0);
  await t.shot(page, 'contest-page');

  t.step('scoreboard: U1 is the highlighted row');
  await tab(page, 'Scoreboard').click();
  const mine = page.getByTestId('my-row');
  await mine.waitFor();
  assert.match(await mine.textContent(), new RegExp(u1.username));
  assert.equal(await mine.getAttribute('aria-current'), 'true');
  assert.match(await mine.getAttribute('class'), /\bmine\b/);
  await boardRow(page, u2.username).waitFor();
  await page.evaluate(() => { window.__noReload = 1; });
  // the live subscription is confirmed (not just the socket open): nothing after this is missed
  await page.locator('[data-testid="scoreboard-page"][data-subscribed="true"]').waitFor();

  t.step('U2 solves A through the API; U1 gets a wrong answer: the board updates live');
  const s2 = await submit(t, u2.token, cid, pidA, AC_C);
  assert.equal((await judged(t, u2.token, s2)).verdict, 'AC');
  const cellU2 = boardRow(page, u2.username).locator('td.cell-solved');
  await cellU2.waitFor({ timeout: 30000 });
  assert.match(await cellU2.locator('.cn-cell-main').textContent(), /^\+/);
  await cellU2.locator('[title="first to solve"]').waitFor();
  assert.match(await cellU2.getAttribute('class'), /\bcell-first\b/);
  const s1 = await submit(t, u1.token, cid, pidA, WA_C);
  assert.equal((await judged(t, u1.token, s1)).verdict, 'WA');
  const cellU1 = mine.locator('td.cell-failed');
  await cellU1.waitFor({ timeout: 30000 });
  assert.equal((await cellU1.locator('.cn-cell-main').textContent()).trim(), '−1');
  assert.equal(await page.evaluate(() => window.__noReload), 1, 'the page reloaded');
  // ranks: U2 first, U1 below
  assert.equal((await boardRow(page, u2.username).locator('td').first().textContent()).trim(), '1');
  assert.equal((await mine.locator('td').first().textContent()).trim(), '2');
  assert.equal(await page.getByTestId('freeze-banner').count(), 0);
  // a screen reader hears the change of U1's own row (not every update of the board)
  await page.getByTestId('my-row-news').filter({ hasText: /rank 2 \(was 1\)/ }).waitFor();
  assert.equal(await page.locator('.cn-board-status').getAttribute('aria-live'), 'off');
  await t.shot(page, 'scoreboard');

  t.step('the contest page shows U1\'s own result from the board');
  await tab(page, 'Problems').click();
  await page.getByTestId('my-result-A').filter({ hasText: '1 rejected' }).waitFor();

  t.step('a contest edit arrives live: the header changes in place and keyboard focus stays on the tab');
  await page.locator('.cn-contest-body[data-subscribed="true"]').waitFor();
  await tab(page, 'Scoreboard').focus();
  const title2 = `${title} (renamed)`;
  const put = await t.api('PUT', `/api/v1/contests/${cid}`, {
    title: title2, start_time: contest.start_time, duration_s: 7200, scoring: 'icpc',
    problems: [{ problem_id: problemId, label: 'A' }],
  }, await t.admin());
  assert.ok(put.status === 200 || put.status === 204, JSON.stringify(put.json));
  await page.getByRole('heading', { name: title2, level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.textContent), 'Scoreboard',
    'keyboard focus left the tab when the header was updated');
  assert.equal(await page.evaluate(() => window.__noReload), 1, 'the page reloaded');

  t.step('My submissions tab: U1\'s wrong answer, linked to the contest problem');
  await tab(page, 'My submissions').click();
  const subs = page.getByTestId('submissions-table');
  await subs.locator(`tr[data-sub-id="${s1}"]`).filter({ hasText: 'WA' }).waitFor();
  assert.equal(await subs.locator(`tr[data-sub-id="${s2}"]`).count(), 0, 'another user\u2019s submission is listed');
  assert.equal(await subs.getByRole('link', { name: 'A. A+B' }).getAttribute('href'), `/contests/${cid}/problems/A`);
  await page.locator('.cn-contest-body[data-subscribed="true"]').waitFor();
  const s5 = await submit(t, u1.token, cid, pidA, WA_C);
  await subs.locator(`tr[data-sub-id="${s5}"]`).filter({ hasText: 'WA' }).waitFor({ timeout: 60000 });
  await page.getByTestId('verdict-news').filter({ hasText: `#${s5}` }).filter({ hasText: 'Wrong answer' }).waitFor();
  assert.equal(await page.evaluate(() => window.__noReload), 1, 'the page reloaded');
  await t.shot(page, 'contest-submissions');

  t.step('a new user registers from the problem page and gets the submit form');
  const u4 = await t.newUser('sbreg');
  const p4 = await t.newPage();
  await t.signInUI(p4, u4.username, u4.password);
  await p4.goto(`${t.base}/contests/${cid}/problems/A`);
  await p4.getByRole('heading', { name: 'A+B', level: 1 }).waitFor();
  const regBtn = p4.getByRole('button', { name: 'Register for this contest' });
  await regBtn.waitFor();
  assert.equal(await p4.getByTestId('editor').count(), 0, 'the submit form is shown before registering');
  await regBtn.click();
  await p4.getByText('You are registered.').waitFor();
  await p4.getByTestId('editor').waitFor();
  assert.equal(await regBtn.count(), 0);
  await t.shot(p4, 'contest-problem');

  t.step('a scheduled contest: its statement appears by itself when it starts');
  const soon = await createContest(t, {
    title: `Starts soon ${Date.now() % 1e6}`, start_time: new Date(Date.now() + 12000).toISOString(), duration_s: 3600,
    scoring: 'icpc', problems: [{ problem_id: problemId, label: 'A' }],
  });
  await register(t, u4, soon);
  await p4.goto(`${t.base}/contests/${soon}/problems/A`);
  await p4.getByTestId('statement-later').waitFor();
  assert.equal(await p4.getByTestId('editor').count(), 0, 'the submit form is shown before the start');
  await p4.evaluate(() => { window.__noReload = 1; });
  await p4.getByRole('heading', { name: 'A+B', level: 1 }).waitFor({ timeout: 30000 });
  await p4.getByTestId('editor').waitFor();
  assert.equal(await p4.getByTestId('statement-later').count(), 0);
  assert.equal(await p4.evaluate(() => window.__noReload), 1, 'the page reloaded');
  assert.deepEqual(p4._gavelErrors, []);

  t.step('a contest in its freeze: contestant sees the banner and pending "?"');
  const ftitle = `Frozen board ${Date.now() % 1e6}`;
  const fid = await createContest(t, {
    title: ftitle, start_time: new Date(Date.now() - 50 * 60000).toISOString(), duration_s: 3600, freeze_s: 1800,
    scoring: 'icpc', problems: [{ problem_id: problemId, label: 'A' }],
  });
  const u3 = await t.newUser('sbfrz');
  await register(t, u1, fid);
  await register(t, u3, fid);
  const s3 = await submit(t, u3.token, fid, problemId, AC_C);
  assert.equal((await judged(t, u3.token, s3)).verdict, 'AC');
  await page.goto(`${t.base}/contests/${fid}/scoreboard`);
  const banner = page.getByTestId('freeze-banner');
  await banner.waitFor();
  assert.match(await banner.textContent(), /frozen since .+ pending until the jury thaws it/);
  await page.getByTestId('contest-state').filter({ hasText: 'scoreboard frozen' }).waitFor();
  const pend = boardRow(page, u3.username).locator('td.cell-pending');
  await pend.waitFor();
  assert.equal((await pend.locator('.cn-cell-main').textContent()).trim(), '?');
  assert.equal(await boardRow(page, u3.username).locator('td.cell-solved').count(), 0, 'a frozen result leaked to a contestant');
  await t.shot(page, 'scoreboard-frozen');

  t.step('the jury sees the live board and can switch to the contestants\u2019 view');
  const jury = await t.newPage();
  await t.signInUI(jury, 'admin', t.adminPassword);
  await jury.goto(`${t.base}/contests/${fid}/scoreboard`);
  await boardRow(jury, u3.username).locator('td.cell-solved').waitFor();
  assert.equal(await jury.getByTestId('freeze-banner').count(), 0);
  await jury.getByRole('link', { name: 'Show the contestants\u2019 view' }).click();
  await jury.getByTestId('freeze-banner').waitFor();
  await boardRow(jury, u3.username).locator('td.cell-pending').waitFor();

  t.step('phone: contests list, contest page, scoreboards');
  const phone = await t.newPage({ phone: true });
  await t.signInUI(phone, u1.username, u1.password);
  await phone.goto(t.base + '/contests');
  await phone.getByTestId(`contest-${cid}`).waitFor();
  await t.shot(phone, 'contests-list');
  await phone.goto(`${t.base}/contests/${cid}`);
  await phone.getByRole('link', { name: 'A. A+B' }).waitFor();
  await phone.getByTestId('my-result-A').waitFor();
  await t.shot(phone, 'contest-page');
  await phone.goto(`${t.base}/contests/${cid}/scoreboard`);
  await phone.getByTestId('my-row').waitFor();
  await t.shot(phone, 'scoreboard');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the scoreboard scrolls the whole page sideways on a phone (${overflow} px)`);
  await phone.goto(`${t.base}/contests/${fid}/scoreboard`);
  await phone.getByTestId('freeze-banner').waitFor();
  await t.shot(phone, 'scoreboard-frozen');

  for (const p of [page, jury, phone]) assert.deepEqual(p._gavelErrors, []);
}
