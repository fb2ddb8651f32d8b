// submissions.js — the signed-in user's submissions (/submissions) and one submission
// (/submissions/:id), both live over the WebSocket feed. submissionsTable() and
// updateSubmissionRow() are reused by the contest pages.
import { api, user, isJury } from '../api.js';
import { subscribe } from '../live.js';
import {
  el, clear, link, errorBox, setTitle, fmtTime, statusText, verdictBadge, table, VERDICT_NAMES, copyButton,
} from '../ui.js';
import { LANG_NAMES } from '../submit.js';

// ---- small shared pieces ---------------------------------------------------------------------
export const langName = (id) => LANG_NAMES[id] || id || '—';
const fmtMs = (v) => (v === null || v === undefined ? '—' : `${v} ms`);
const fmtKb = (v) => (v === null || v === undefined ? '—' : `${Number(v).toLocaleString('en')} KB`);
const isDone = (s) => s && s.status === 'done';

// Problem titles, fetched once per id (null when the caller may not see the problem).
const titleCache = new Map();
export function problemTitle(id) {
  const k = String(id);
  if (!titleCache.has(k)) {
    titleCache.set(k, api('GET', `/api/v1/problems/${encodeURIComponent(k)}`).then((p) => p.title || null, () => null));
  }
  return titleCache.get(k);
}
async function titlesFor(items) {
  const ids = [...new Set(items.map((s) => String(s.problem_id)))];
  const out = {};
  await Promise.all(ids.map(async (id) => { const t = await problemTitle(id); if (t) out[id] = t; }));
  return out;
}

// A « Previous · Page n of m · Next » bar; hrefFor(n) gives the link of page n.
export function pager(page, pages, hrefFor, label = 'Pages') {
  if (pages <= 1) return null;
  const nav = el('nav', { class: 'ct-pager', 'aria-label': label });
  const prev = page > 1 ? link(hrefFor(page - 1), '← Previous') : el('span', { class: 'muted', 'aria-disabled': 'true' }, '← Previous');
  const next = page < pages ? link(hrefFor(page + 1), 'Next →') : el('span', { class: 'muted', 'aria-disabled': 'true' }, 'Next →');
  if (prev.tagName === 'A') prev.setAttribute('rel', 'prev');
  if (next.tagName === 'A') next.setAttribute('rel', 'next');
  nav.append(prev, el('span', { class: 'ct-pager-pos' }, `Page ${page} of ${pages}`), next);
  return nav;
}
export function posInt(v, dflt, max) {
  const n = parseInt(v, 10);
  if (!Number.isFinite(n) || n < 1) return dflt;
  return max ? Math.min(n, max) : n;
}

// ---- the submissions table ----------------------------------------------------------------------
// submissionsTable(items, {showUser, showProblem = true, problemTitles, userNames, problemHref,
//   showScore, highlightUser, compact (#, result, when, language only)}) → <div class="table-wrap"> with one <tr data-sub-id> per item.
//   problemTitles / userNames: {id: text} (or a Map); problemHref(sub) → the problem's link.
export function submissionsTable(items, opts = {}) {
  const o = Object.assign({ showProblem: true }, opts);
  const cols = columns(o);
  const wrap = table(cols.map((c) => c.head), items.map((s) => submissionRow(s, o)), { class: 'ct-subs' });
  const t = wrap.querySelector('table');
  t.setAttribute('data-testid', 'submissions-table');
  t.querySelectorAll('thead th').forEach((th, i) => { if (cols[i].num) th.classList.add('num'); });
  wrap._subOpts = o;
  return wrap;
}

const lookup = (m, k) => (!m ? undefined : m instanceof Map ? m.get(String(k)) ?? m.get(k) : m[k]);

// The columns, in order: the result comes early in the compact form (narrow side panels).
function columns(o) {
  const c = {
    id: { head: '#', cell: (s) => el('td', {}, link(`/submissions/${encodeURIComponent(s.id)}`, `#${s.id}`)) },
    when: { head: 'When', cell: (s) => el('td', { class: 'ct-when' }, s.submitted_at ? el('time', { datetime: s.submitted_at }, fmtTime(s.submitted_at)) : '—') },
    user: { head: 'User', cell: (s) => el('td', {}, lookup(o.userNames, s.user_id) || `user ${s.user_id}`) },
    problem: {
      head: 'Problem',
      cell: (s) => {
        const title = lookup(o.problemTitles, s.problem_id) || `Problem ${s.problem_id}`;
        const href = o.problemHref ? o.problemHref(s) : `/problems/${encodeURIComponent(s.problem_id)}`;
        return el('td', {}, href ? link(href, title) : title);
      },
    },
    lang: { head: 'Language', cell: (s) => el('td', {}, langName(s.language)) },
    result: { head: 'Result', cell: (s) => el('td', { class: 'ct-result' }, verdictBadge(s)) },
    score: { head: 'Score', num: true, cell: (s) => el('td', { class: 'num' }, s.score === null || s.score === undefined ? '—' : String(s.score)) },
    time: { head: 'Time', num: true, cell: (s) => el('td', { class: 'num' }, s.verdict === 'CE' ? '—' : fmtMs(s.time_ms)) },
    mem: { head: 'Memory', num: true, cell: (s) => el('td', { class: 'num' }, s.verdict === 'CE' ? '—' : fmtKb(s.memory_kb)) },
  };
  const order = o.compact ? ['id', 'result', 'when', 'lang'] : ['id', 'when', 'user', 'problem', 'lang', 'result', 'score', 'time', 'mem'];
  return order.filter((k) => (k !== 'user' || o.showUser) && (k !== 'problem' || o.showProblem) && (k !== 'score' || o.showScore))
    .map((k) => c[k]);
}

export function submissionRow(s, o = {}) {
  const mine = o.highlightUser !== undefined && String(s.user_id) === String(o.highlightUser);
  return el('tr', { 'data-sub-id': s.id, class: mine ? 'mine' : null }, columns(o).map((c) => {
    const td = c.cell(s);
    td.dataset.label = c.head; // the narrow layout shows each cell with its column name
    return td;
  }));
}

// Redraw the row of `s` (matched by id) inside a table made by submissionsTable().
export function updateSubmissionRow(wrap, s) {
  const tr = wrap.querySelector(`tr[data-sub-id="${CSS.escape(String(s.id))}"]`);
  if (tr) tr.replaceWith(submissionRow(s, wrap._subOpts || {}));
}

// ---- /submissions ----------------------------------------------------------------------------------
const LIST_PER_PAGE = 25;
const LIVE_MAX = 20;

export async function mySubmissions(ctx) {
  const me = user();
  const page = posInt(ctx.query.get('page'), 1);
  const per = posInt(ctx.query.get('per_page'), LIST_PER_PAGE, 200);
  setTitle('My submissions');
  const hrefFor = (n) => '/submissions' + (n > 1 || per !== LIST_PER_PAGE
    ? '?' + new URLSearchParams(Object.assign(n > 1 ? { page: String(n) } : {}, per !== LIST_PER_PAGE ? { per_page: String(per) } : {})) : '');
  const status = el('p', { class: 'ct-count', role: 'status' }, el('span', { class: 'loading' }, 'Loading your submissions…'));
  const box = el('div', {});
  const refresh = el('button', { type: 'button', class: 'btn btn-small', onclick: () => ctx.navigate(location.pathname + location.search, { replace: true }) }, 'Refresh');
  ctx.root.append(el('div', { class: 'spread ct-titlebar' }, el('h1', {}, 'My submissions'), refresh), status, box);

  let r;
  try {
    r = await api('GET', `/api/v1/submissions?user_id=${encodeURIComponent(me.id)}&page=${page}&per_page=${per}`, undefined, { signal: ctx.signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    clear(status);
    box.append(errorBox(err));
    return;
  }
  const items = r.items || [];
  const total = typeof r.total === 'number' ? r.total : items.length;
  const pages = Math.max(1, Math.ceil(total / per));
  if (!total) {
    clear(status).append('You have not submitted anything yet.');
    box.append(el('p', {}, 'Open a ', link('/problems', 'problem'), ' or a ', link('/contests', 'contest'), ', write a solution and submit it: it shows up here with its verdict.'));
    return;
  }
  clear(status).append(`${total} submission${total === 1 ? '' : 's'}, newest first` +
    (pages > 1 ? ` · showing ${(page - 1) * per + 1}–${Math.min(total, page * per)}` : '') + '.');
  if (!items.length) {
    box.append(el('p', {}, 'This page is past the end. ', link(hrefFor(1), 'Go to the first page'), '.'));
    return;
  }
  const titles = await titlesFor(items);
  if (ctx.signal.aborted) return;
  const wrap = submissionsTable(items, { problemTitles: titles });
  box.append(wrap);
  const nav = pager(page, pages, hrefFor, 'Submission pages');
  if (nav) box.append(nav);

  // Live: the unfinished ones among the first LIVE_MAX rows.
  const byId = new Map(items.map((s) => [String(s.id), s]));
  const refetch = async (id) => {
    try {
      const full = await api('GET', `/api/v1/submissions/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
      const cur = byId.get(String(id));
      if (!cur) return;
      if (!(full.status === 'running' && cur.status === 'running')) cur.test = full.test ?? null;
      for (const k of ['status', 'verdict', 'score', 'time_ms', 'memory_kb']) if (k in full) cur[k] = full[k];
      updateSubmissionRow(wrap, cur);
    } catch (_) { /* the row keeps what the feed said */ }
  };
  for (const s of items.slice(0, LIVE_MAX).filter((x) => !isDone(x))) {
    const id = String(s.id);
    ctx.onCleanup(subscribe(`submission/${id}`, {
      onEvent(ev) {
        const d = ev.data || {};
        const cur = byId.get(id);
        for (const [k, v] of Object.entries(d)) if (k !== 'id') cur[k] = v;
        updateSubmissionRow(wrap, cur);
        if (d.status === 'done') refetch(id);
      },
      onSubscribed() { refetch(id); },
    }));
  }
}

// ---- /submissions/:id ------------------------------------------------------------------------------
function failedTest(sub) {
  return (sub.tests || []).find((t) => t.verdict && t.verdict !== 'AC') || null;
}

function testsTable(sub) {
  const tests = sub.tests || [];
  const running = sub.status === 'running' && sub.test && !tests.some((t) => t.n === sub.test);
  const hasGroup = tests.some((t) => t.group);
  const fail = failedTest(sub);
  const headers = ['Test'];
  if (hasGroup) headers.push('Group');
  headers.push('Verdict', 'Time (ms)', 'Memory (KB)');
  const rows = tests.map((t) => {
    const ok = t.verdict === 'AC';
    const cells = [el('td', { class: 'num' }, String(t.n))];
    if (hasGroup) cells.push(el('td', {}, t.group || '—'));
    cells.push(
      el('td', { 'data-verdict': t.verdict }, el('span', { class: `badge badge-${ok ? 'ok' : t.verdict === 'CE' ? 'warn' : 'bad'}`, title: VERDICT_NAMES[t.verdict] || t.verdict },
        `${ok ? '✓' : '✗'} ${t.verdict}`, el('span', { class: 'ct-vname' }, ` · ${VERDICT_NAMES[t.verdict] || t.verdict}`))),
      el('td', { class: 'num' }, t.time_ms == null ? '—' : String(t.time_ms)),
      el('td', { class: 'num' }, t.memory_kb == null ? '—' : Number(t.memory_kb).toLocaleString('en')));
    return el('tr', { 'data-test': t.n, class: fail && fail.n === t.n ? 'ct-first-fail' : null }, cells);
  });
  const lastDone = tests.length ? Math.max(...tests.map((t) => t.n)) : 0;
  if (running && sub.test - 1 > lastDone) {
    // The feed says which test runs; results of the finished ones arrive with the verdict.
    const from = lastDone + 1, to = sub.test - 1;
    const cells = [el('td', { class: 'num' }, from === to ? String(from) : `${from}–${to}`)];
    if (hasGroup) cells.push(el('td', {}, ''));
    cells.push(el('td', { colspan: 3 }, el('span', { class: 'muted' }, 'Done; results come with the verdict.')));
    rows.push(el('tr', { class: 'ct-finished', 'data-finished': 'true' }, cells));
  }
  if (running) {
    const cells = [el('td', { class: 'num' }, String(sub.test))];
    if (hasGroup) cells.push(el('td', {}, ''));
    cells.push(el('td', {}, el('span', { class: 'badge badge-pending' }, 'Running…')), el('td', { class: 'num' }, '—'), el('td', { class: 'num' }, '—'));
    rows.push(el('tr', { class: 'ct-running', 'data-running': 'true' }, cells));
  }
  const wrap = table(headers, rows, { caption: el('span', { class: 'sr-only' }, 'Results per test') });
  const t = wrap.querySelector('table');
  t.setAttribute('data-testid', 'tests-table');
  t.classList.add('ct-tests');
  const ths = t.querySelectorAll('thead th');
  ths[0].classList.add('num'); ths[ths.length - 1].classList.add('num'); ths[ths.length - 2].classList.add('num');
  return wrap;
}

const PHASE = { queued: 0, compiling: 1, running: 2, done: 3 };

export async function submissionPage(ctx) {
  const id = ctx.params.id;
  setTitle(`Submission ${id}`);
  const loading = el('p', { class: 'loading', role: 'status' }, 'Loading the submission…');
  ctx.root.append(loading);

  const get = () => api('GET', `/api/v1/submissions/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
  let sub;
  try {
    sub = await get();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    loading.replaceWith(el('h1', {}, `Submission #${id}`), errorBox(err),
      el('p', {}, link('/submissions', 'Back to your submissions')));
    return;
  }
  setTitle(`Submission #${sub.id}`);

  // --- the header (problem, contest, language, time) ---
  const problemLink = el('span', {}, link(`/problems/${encodeURIComponent(sub.problem_id)}`, `Problem ${sub.problem_id}`));
  const contestLink = sub.contest_id ? el('span', {}, link(`/contests/${encodeURIComponent(sub.contest_id)}`, `Contest ${sub.contest_id}`)) : null;
  const againLink = link(`/problems/${encodeURIComponent(sub.problem_id)}`, 'Submit again');
  const meta = el('dl', { class: 'ct-meta' },
    el('div', {}, el('dt', {}, 'Problem'), el('dd', {}, problemLink)),
    contestLink ? el('div', {}, el('dt', {}, 'Contest'), el('dd', {}, contestLink)) : null,
    el('div', {}, el('dt', {}, 'Language'), el('dd', {}, langName(sub.language))),
    el('div', {}, el('dt', {}, 'Submitted'), el('dd', {}, sub.submitted_at ? el('time', { datetime: sub.submitted_at }, fmtTime(sub.submitted_at)) : '—')),
    isJury() && user() && String(user().id) !== String(sub.user_id)
      ? el('div', {}, el('dt', {}, 'User'), el('dd', {}, `user ${sub.user_id}`)) : null);

  // --- live parts ---
  const statusEl = el('div', { class: 'ct-status', 'data-testid': 'sub-status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const failEl = el('p', { class: 'ct-fail', 'data-testid': 'failed-test' });
  const facts = el('dl', { class: 'ct-facts' });
  const liveNote = el('p', { class: 'muted ct-live-note' });
  const testsBox = el('section', { 'aria-labelledby': 'ct-tests-h' }, el('h2', { id: 'ct-tests-h' }, 'Tests'));
  const testsBody = el('div', {});
  testsBox.append(testsBody);
  const compileBox = el('section', { 'aria-labelledby': 'ct-compile-h', hidden: true });
  const sourceBox = el('section', { 'aria-labelledby': 'ct-source-h', hidden: true });
  const historyBox = el('section', { 'aria-labelledby': 'ct-hist-h', hidden: true });

  loading.replaceWith(
    el('p', { class: 'ct-crumbs' }, link('/submissions', '← My submissions')),
    el('div', { class: 'spread ct-titlebar' }, el('h1', {}, `Submission #${sub.id}`), againLink),
    el('div', { class: 'card ct-sub-head' }, meta,
      el('div', { class: 'ct-status-box' }, statusEl, failEl, facts, liveNote)),
    testsBox, compileBox, sourceBox, historyBox);

  // Titles and the contest's problem label arrive later; the links improve when they do.
  (async () => {
    let label = null, ctitle = null, ptitle = null;
    if (sub.contest_id) {
      try {
        const c = await api('GET', `/api/v1/contests/${encodeURIComponent(sub.contest_id)}`, undefined, { signal: ctx.signal });
        ctitle = c.title;
        const cp = (c.problems || []).find((p) => String(p.problem_id ?? p.id) === String(sub.problem_id));
        if (cp) { label = cp.label; ptitle = cp.title || null; }
      } catch (_) { /* plain links stay */ }
    }
    if (!ptitle) ptitle = await problemTitle(sub.problem_id);
    if (ctx.signal.aborted) return;
    const pHref = label ? `/contests/${encodeURIComponent(sub.contest_id)}/problems/${encodeURIComponent(label)}` : `/problems/${encodeURIComponent(sub.problem_id)}`;
    clear(problemLink).append(link(pHref, (label ? label + '. ' : '') + (ptitle || `Problem ${sub.problem_id}`)));
    againLink.setAttribute('href', pHref);
    if (contestLink && ctitle) clear(contestLink).append(link(`/contests/${encodeURIComponent(sub.contest_id)}`, ctitle));
    if (ptitle) setTitle(`Submission #${sub.id}`, ptitle);
  })();

  let lastTestsKey = '', lastCompile = null, sourceShown = false, liveBroken = false;
  function render() {
    clear(statusEl).append(verdictBadge(sub));
    statusEl.dataset.status = sub.status || '';
    const fail = isDone(sub) ? failedTest(sub) : null;
    failEl.textContent = fail ? `${VERDICT_NAMES[fail.verdict] || fail.verdict} on test ${fail.n}.` : '';
    failEl.hidden = !fail;
    clear(facts);
    const fact = (k, v) => facts.append(el('div', {}, el('dt', {}, k), el('dd', {}, v)));
    if (sub.score !== null && sub.score !== undefined) fact('Score', String(sub.score));
    const ran = !(isDone(sub) && sub.verdict === 'CE');
    fact('Time', ran ? fmtMs(sub.time_ms) : '—');
    fact('Memory', ran ? fmtKb(sub.memory_kb) : '—');
    if (sub.attempt > 1) fact('Judged', `${sub.attempt} times (rejudged)`);
    liveNote.textContent = liveBroken ? '' : isDone(sub) ? 'Judged. This page updates by itself if it is rejudged.'
      : 'Judging — this page updates by itself; no need to reload.';

    const tests = sub.tests || [];
    const key = JSON.stringify([tests, sub.status, sub.test]);
    if (key !== lastTestsKey) {
      lastTestsKey = key;
      clear(testsBody);
      if (tests.length || (sub.status === 'running' && sub.test)) testsBody.append(testsTable(sub));
      else testsBody.append(el('p', { class: 'muted', 'data-testid': 'tests-none' },
        isDone(sub) ? (sub.verdict === 'CE' ? 'No test was run: the program did not compile.' : 'No test results were recorded.')
          : sub.status === 'compiling' ? 'Compiling; the tests run next.' : 'Waiting for a judge; the tests appear here as they finish.'));
    }
    const co = sub.compile_output || '';
    if (co !== lastCompile) {
      lastCompile = co;
      clear(compileBox);
      compileBox.hidden = !co;
      if (co) {
        compileBox.append(el('div', { class: 'spread' }, el('h2', { id: 'ct-compile-h' }, 'Compiler output'), copyButton(() => co, 'Copy output')),
          el('pre', { class: 'ct-compile', 'data-testid': 'compile-output' }, co));
      }
    }
    if (!sourceShown && typeof sub.source === 'string' && sub.source) {
      sourceShown = true;
      const src = sub.source;
      const lines = src.split('\n').length - (src.endsWith('\n') ? 1 : 0);
      sourceBox.hidden = false;
      sourceBox.append(el('details', { class: 'ct-source-view' },
        el('summary', {}, el('h2', { id: 'ct-source-h', class: 'ct-inline-h' }, 'Source code'), el('span', { class: 'muted' }, ` ${lines} line${lines === 1 ? '' : 's'}, ${langName(sub.language)}`)),
        el('div', { class: 'row ct-source-tools' }, copyButton(() => src, 'Copy source')),
        el('pre', { class: 'ct-source-pre', 'data-testid': 'source' }, src)));
    }
    const hist = Array.isArray(sub.history) ? sub.history : [];
    clear(historyBox);
    historyBox.hidden = !hist.length;
    if (hist.length) {
      historyBox.append(el('h2', { id: 'ct-hist-h' }, 'Earlier judgings'),
        table(['Judging', 'Verdict', 'Score', 'Time', 'Memory', 'Tests'], hist.map((h) => el('tr', {},
          el('td', { class: 'num' }, String(h.attempt ?? '—')),
          el('td', {}, verdictBadge({ status: 'done', verdict: h.verdict })),
          el('td', { class: 'num' }, h.score === null || h.score === undefined ? '—' : String(h.score)),
          el('td', { class: 'num' }, fmtMs(h.time_ms)), el('td', { class: 'num' }, fmtKb(h.memory_kb)),
          el('td', { class: 'num' }, String((h.tests || []).length))))));
    }
  }
  render();

  // --- live: events carry {id, status, verdict, test}; the REST record carries the rest ---
  let evLast = -1;    // the newest event id seen on the feed
  let latest = null;  // that event's data: a slower REST answer must not go back in time
  let staleTries = 0, busy = false, again = false, timer = null;
  const rank = (x) => (PHASE[x.status] ?? 0) * 1e6 + (x.status === 'running' ? (x.test || 0) : 0);
  async function refetch() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const fresh = await get();
      if (ctx.signal.aborted) return;
      const stale = !!latest && (typeof fresh.event_id === 'number' && evLast >= 0
        ? fresh.event_id < evLast : rank(fresh) < rank(latest));
      // The REST record has no `test`: keep the feed's, or guess the one after the last finished.
      if (fresh.status === 'running' && fresh.test == null) {
        const done = (fresh.tests || []).map((x) => x.n);
        fresh.test = sub.status === 'running' && sub.test ? sub.test : done.length ? Math.max(...done) + 1 : null;
      }
      sub = fresh;
      if (stale && staleTries < 3) { Object.assign(sub, latest); staleTries++; again = true; } else staleTries = 0;
      render();
    } catch (err) {
      if (err.name === 'AbortError' || ctx.signal.aborted) return;
      liveNote.textContent = '';
      liveNote.append(el('span', { class: 'ct-warn' }, `Could not refresh: ${err.message}`));
    } finally {
      busy = false;
      if (again && !ctx.signal.aborted) { again = false; clearTimeout(timer); timer = setTimeout(refetch, 250); }
    }
  }
  ctx.onCleanup(() => clearTimeout(timer));
  let poll = null;
  ctx.onCleanup(() => clearInterval(poll));
  ctx.onCleanup(subscribe(`submission/${sub.id}`, {
    onEvent(ev) {
      const d = ev.data || {};
      if (typeof ev.id === 'number') { if (ev.id < evLast) return; evLast = ev.id; }
      // A replayed event carries the whole record, a progress event only {id, status, verdict, test}.
      latest = {};
      for (const [k, v] of Object.entries(d)) if (k !== 'id' && k !== 'source') latest[k] = v;
      if (!('test' in d)) latest.test = null;
      Object.assign(sub, latest);
      render();
      refetch();
    },
    onSubscribed() { refetch(); },
    onError(e) {
      liveBroken = true;
      liveNote.textContent = '';
      liveNote.append(el('span', { class: 'ct-warn' }, `Live updates are unavailable (${e.message || e.code}); this page checks again every 5 seconds.`));
      clearInterval(poll);
      poll = setInterval(() => { if (isDone(sub)) clearInterval(poll); else refetch(); }, 5000);
    },
  }));
}
