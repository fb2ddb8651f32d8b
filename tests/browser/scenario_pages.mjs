// scenario_pages — every main page at desktop and phone width: it renders without JS errors,
// has a heading, never scrolls sideways at phone width, is reachable by keyboard, and its
// screenshot goes to the screenshots folder. Unknown pages and API failures show a message.
export async function run(t) {
  const { assert } = t;
  const c = await t.demoContest();
  const me = await t.newUser('pages');
  const reg = await t.api('POST', `/api/v1/contests/${c.id}/register`, undefined, me.token);
  assert.ok([204, 409].includes(reg.status), JSON.stringify(reg.json));
  const pid = await t.demoProblem();
  const sub = await t.api('POST', '/api/v1/submissions',
    { problem_id: pid, language: 'c', contest_id: c.id, source: '#include <stdio.h>\nint main(void){long a,b;scanf("%ld %ld",&a,&b);printf("%ld\\n",a+b);return 0;}\n' }, me.token);
  assert.equal(sub.status, 202, JSON.stringify(sub.json));

  // [name, path, ready]: `ready` are selectors only the loaded page has (an error page has a
  // heading too), so a page that fails to load cannot pass for one that did.
  const pages = [
    ['home', '/', ['[data-testid="contests-running"]', '[data-testid="contests-past"]']],
    ['problems', '/problems', ['main table tbody tr a[href^="/problems/"]']],
    ['problem', `/problems/${pid}`, ['main .statement', '[data-testid="submit-form"]']],
    ['contests', '/contests', ['[data-testid="contests-running"]', `[data-testid="contest-${c.id}"]`]],
    ['contest', `/contests/${c.id}`, ['[data-testid="contest-problems"]', '[data-testid="my-result-A"]']],
    ['contest-problem', `/contests/${c.id}/problems/A`, ['main .statement', '[data-testid="submit-form"]']],
    ['scoreboard', `/contests/${c.id}/scoreboard`, ['[data-testid="scoreboard"]', '[data-testid="my-row"]']],
    ['clarifications', `/contests/${c.id}/clarifications`, ['[data-testid="clar-list"], [data-testid="clar-empty"]', 'form.cn-clar-form']],
    ['my-submissions', '/submissions', [`[data-testid="submissions-table"] tr[data-sub-id="${sub.json.id}"]`]],
    ['submission', `/submissions/${sub.json.id}`, ['[data-testid="sub-status"]']],
    ['not-found', '/no/such/page', ['main h1:text-is("Page not found")']],
  ];
  const problems = [];
  for (const phone of [false, true]) {
    const page = await t.newPage({ phone });
    await t.signInUI(page, me.username, me.password);
    for (const [name, path, ready] of pages) {
      t.step(`${name} at ${phone ? 'phone' : 'desktop'} width`);
      await page.goto(t.base + path);
      for (const sel of ready) await page.locator(sel).first().waitFor({ timeout: 15000 });
      // nothing on the page is still loading (bounded: a spinner that never ends fails here)
      await page.waitForFunction(() => !document.querySelector('main .loading, main [aria-busy="true"]'), null, { timeout: 15000 })
        .catch(async () => { problems.push(`${path} at ${phone ? 'phone' : 'desktop'} width is still loading: ${await page.locator('main .loading, main [aria-busy="true"]').first().textContent()}`); });
      const alerts = await page.locator('[role=alert]').allTextContents();
      if (alerts.length) problems.push(`${path} at ${phone ? 'phone' : 'desktop'} width shows an error: ${alerts.join(' | ')}`);
      await page.locator('main h1').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 1) problems.push(`${path} scrolls sideways by ${overflow} px at ${phone ? 'phone' : 'desktop'} width`);
      await t.shot(page, name);
    }
    // Keyboard: from the top of a page, Tab reaches the skip link, then the nav links.
    await page.goto(t.base + '/contests');
    await page.locator('[data-testid="contests-running"]').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    const seen = new Set();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      seen.add(await page.evaluate(() => document.activeElement.textContent.trim()));
    }
    assert.ok(phone ? seen.has('Menu') : seen.has('Problems') && seen.has('Contests'),
      `keyboard focus did not reach the navigation: ${[...seen].join(' | ')}`);
    // An API failure is shown, not a blank page.
    await page.goto(t.base + '/submissions/999999999');
    await page.locator('[role=alert]').first().waitFor();
    const msg = await page.locator('[role=alert]').first().textContent();
    const api = await t.api('GET', '/api/v1/submissions/999999999', undefined, me.token);
    assert.ok(msg.includes(api.json.error.message), `page shows "${msg}", the API said "${api.json.error.message}"`);
    assert.deepEqual(page._gavelErrors.filter((e) => !/status of 404/.test(e)), []);
  }
  assert.deepEqual(problems, []);
  // Signed out: the session is gone after "Sign out" and stays gone after a reload.
  const page = await t.newPage();
  await t.signInUI(page, me.username, me.password);
  await page.reload();
  await page.getByTestId('whoami').filter({ hasText: me.username }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
  await page.reload();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
  assert.equal(await page.getByTestId('whoami').count(), 0);
  await t.shot(page, 'signed-out');
}
