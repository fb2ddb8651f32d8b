// scenario_clarifications.mjs — acceptance (c): clarifications and announcements, live.
//
// A registered contestant asks about problem A in the browser; the test finds the question
// through the jury API and answers it; the answer appears on the page without a reload (and
// pops up as a toast). An announcement posted through the API pops up as a toast on another
// contest page and lands in its announcements panel, live.
const tab = (page, name) => page.getByRole('navigation', { name: 'Contest' }).getByRole('link', { name, exact: true });

export async function run(t) {
  const { assert } = t;
  const admin = await t.admin();
  const contest = await t.demoContest();
  const cid = contest.id;
  const full = (await t.api('GET', `/api/v1/contests/${cid}`)).json;
  const pidA = full.problems.find((p) => p.label === 'A').problem_id;
  const u = await t.newUser('clar');

  const page = await t.newPage();
  await t.signInUI(page, u.username, u.password);
  await page.goto(`${t.base}/contests/${cid}/clarifications`);
  assert.equal(await tab(page, 'Clarifications').getAttribute('aria-current'), 'page');

  t.step('an empty question is refused next to the form');
  await page.getByRole('button', { name: 'Ask' }).click();
  const formAlert = page.locator('.cn-clar-form [role="alert"]');
  await formAlert.filter({ hasText: 'Write your question first' }).waitFor();

  t.step('before registering, the API\'s refusal is shown next to the form; then register from the header');
  await page.getByLabel('Your question').fill('Is this allowed?');
  await page.getByRole('button', { name: 'Ask' }).click();
  await formAlert.filter({ hasText: 'register for the contest before asking' }).waitFor();
  await page.getByRole('button', { name: 'Register for this contest' }).click();
  await page.getByText('You are registered.').waitFor();
  const me = (await t.api('GET', `/api/v1/contests/${cid}`, undefined, u.token)).json;
  assert.equal(me.registered, true);

  t.step('the contestant asks about problem A');
  const question = `Can a and b both be negative? (${Date.now() % 1e6})`;
  await page.getByLabel('About').selectOption(pidA);
  await page.getByLabel('Your question').fill(question);
  await page.getByRole('button', { name: 'Ask' }).click();
  await page.getByText('Sent. The answer will appear below').waitFor();
  assert.equal(await page.getByLabel('Your question').inputValue(), '');

  t.step('the jury finds it through the API');
  const clar = await t.waitFor(async () => {
    const r = await t.api('GET', `/api/v1/contests/${cid}/clarifications`, undefined, admin);
    return (r.json.items || []).find((x) => x.question === question);
  }, { what: 'the question in the jury API' });
  assert.equal(clar.label, 'A');
  assert.equal(clar.username, u.username);
  const item = page.getByTestId(`clar-${clar.id}`);
  await item.waitFor();
  await item.filter({ hasText: /A\. A\+B|Problem A/ }).waitFor();
  assert.match(await item.textContent(), /Private/);
  await item.getByText('Awaiting answer').waitFor();
  await page.evaluate(() => { window.__noReload = 1; });
  // the live subscription is confirmed (not just the socket open)
  await page.locator('.cn-contest-body[data-subscribed="true"]').waitFor();

  t.step('the jury answers through the API: the answer appears live, with a toast');
  const answer = `Yes: both may be as low as -10^9 (${Date.now() % 1e6}).`;
  const r = await t.api('POST', `/api/v1/contests/${cid}/clarifications`, { reply_to: clar.id, text: answer, public: false }, admin);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  await item.getByTestId('clar-answer').filter({ hasText: answer }).waitFor();
  assert.equal(await item.getByText('Awaiting answer').count(), 0);
  await page.locator('#toasts .toast').filter({ hasText: answer }).waitFor();
  assert.equal(await page.evaluate(() => window.__noReload), 1, 'the page reloaded');
  await t.shot(page, 'clarifications');

  t.step('an announcement pops up as a toast on the Problems tab, live');
  await tab(page, 'Problems').click();
  await page.getByRole('link', { name: 'A. A+B' }).waitFor();
  await page.locator('.cn-contest-body[data-subscribed="true"]').waitFor();
  const ann = `Sample 2 was fixed (${Date.now() % 1e6}).`;
  const a = await t.api('POST', `/api/v1/contests/${cid}/announcements`, { title: 'Problem A', text: ann }, admin);
  assert.equal(a.status, 201, JSON.stringify(a.json));
  await page.locator('#toasts .toast-announcement').filter({ hasText: ann }).waitFor();
  await page.getByTestId('announcements').getByText(ann).waitFor();
  assert.equal(await page.evaluate(() => window.__noReload), 1, 'the page reloaded');

  t.step('phone: the clarifications page');
  const phone = await t.newPage({ phone: true });
  await t.signInUI(phone, u.username, u.password);
  await phone.goto(`${t.base}/contests/${cid}/clarifications`);
  await phone.getByTestId(`clar-${clar.id}`).getByText(answer).waitFor();
  await phone.getByText(ann).first().waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways on a phone (${overflow} px)`);
  await t.shot(phone, 'clarifications');

  // the one refused request above is expected (Chrome logs every 4xx answer to the console)
  const expected = (m) => /Failed to load resource: the server responded with a status of 403/.test(m);
  assert.deepEqual(page._gavelErrors.filter((m) => !expected(m)), []);
  assert.ok(page._gavelErrors.filter(expected).length <= 1, page._gavelErrors.join('\n'));
  assert.deepEqual(phone._gavelErrors, []);
}
