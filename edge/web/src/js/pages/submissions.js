// submissions.js — the signed-in user's submissions (/submissions) and one submission
// (/submissions/:id), both live over the WebSocket feed. submissionsTable() and
// updateSubmissionRow() are reused by the contest pages.
import { api, user, isJury } from '../api.js';
import { subscribe } from '../live.js';
import {
  el, clear, link, errorBox, setTitle, fmtTime, statusText, verdictBadge, table, VERDICT_NAMES, copyButton,
  latest, pager, fmtTimeLimit, fmtMemory,
} from '../ui.js';
import { problemTitle, problemTitles } from '../data.js';
import { LANG_NAMES } from '../submit.js';

// ---- small shared pieces ---------------------------------------------------------------------
export const langName = (id) => LANG_NAMES[id] || id || '—';
const isDone = (s) => s && s.status === 'done';

// A positive integer from a query parameter (page=, per_page=), else `dflt`; capped at `max`.
export function posInt(v, dflt, max) {
  const n = parseInt(v, 10);
  if (!Number.isFinite(n) || n < 1) return dflt;
  return max ? Math.min(n, max) : n;
}

// How far judging got: queued < compiling < running test 1 < running test 2 < … < done.
const PHASE = { queued: 0, compiling: 1, running: 2, done: 3 };
const rank = (x) => (PHASE[x.status] ?? 0) * 1e6 + (x.status === 'running' ? (x.test || 0) : 0);
// The REST record has no `test`, but its event_id says it: (attempt << 32) | (2 + test) while running.
function testFromEventId(x) {
  if (x.status !== 'running' || typeof x.event_id !== 'number') return null;
  const phase = x.event_id % 2 ** 32;
  return phase >= 3 ? phase - 2 : null;
}

// ---- the submissions table ----------------------------------------------------------------------
// submissionsTable(items, {showUser, showProblem = true, problemTitles, userNames, problemHref,
//   showScore, highlightUser, compact (#, result, when, language only)}) → <div class="table-wrap"> with one <tr data-sub-id> per item.
//   problemTitles / userNames: {id: text} (or a Map); problemHref(sub) → the problem's link.
// The wrap holds a polite live region: updateSubmissionRow() announces each row that gets its verdict.
export function submissionsTable(items, opts = {}) {
  const o = Object.assign({ showProblem: true }, opts);
  const cols = columns(o);
  const wrap = table(cols.map((c) => c.head), items.map((s) => submissionRow(s, o)), { class: 'ct-subs' });
  const t = wrap.querySelector('table');
  t.setAttribute('data-testid', 'submissions-table');
  t.querySelectorAll('thead th').forEach((th, i) => { if (cols[i].num) th.classList.add('num'); });
  wrap.append(el('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-testid': 'verdict-announcer' }));
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
    time: { head: 'Time', num: true, cell: (s) => el('td', { class: 'num' }, s.verdict === 'CE' ? '—' : fmtTimeLimit(s.time_ms)) },
    mem: { head: 'Memory', num: true, cell: (s) => el('td', { class: 'num' }, s.verdict === 'CE' ? '—' : fmtMemory(s.memory_kb)) },
  };
  const order = o.compact ? ['id', 'result', 'when', 'lang'] : ['id', 'when', 'user', 'problem', 'lang', 'result', 'score', 'time', 'mem'];
  return order.filter((k) => (k !== 'user' || o.showUser) && (k !== 'problem' || o.showProblem) && (k !== 'score' || o.showScore))
    .map((k) => c[k]);
}

export function submissionRow(s, o = {}) {
  const mine = o.highlightUser !== undefined && String(s.user_id) === String(o.highlightUser);
  return el('tr', { 'data-sub-id': s.id, 'data-status': s.status || '', class: mine ? 'mine' : null }, columns(o).map((c) => {
    const td = c.cell(s);
    td.dataset.label = c.head; // the narrow layout shows each cell with its column name
    return td;
  }));
}

// Redraw the row of `s` (matched by id) inside a table made by submissionsTable(); a row that
// just got its verdict is announced to screen readers.
export function updateSubmissionRow(wrap, s) {
  const tr = wrap.querySelector(`tr[data-sub-id="${CSS.escape(String(s.id))}"]`);
  if (!tr) return;
  const was = tr.dataset.status;
  tr.replaceWith(submissionRow(s, wrap._subOpts || {}));
  const say = wrap.querySelector('[data-testid="verdict-announcer"]');
  if (say && isDone(s) && was !== 'done') say.textContent = `Submission #${s.id}: ${statusText(s)}.`;
}

// ---- /submissions ----------------------------------------------------------------------------------
const LIST_PER_PAGE = 25;
// The edge allows 16 topics per socket (LIVE_MAX_SUBS) and other views may hold some: follow at
// most this many rows live; the rest, and any topic the server refuses, are polled.
const LIVE_MAX = 10;
const POLL_MS = 2000;
const POLL_ONE_BY_ONE = 12; // beyond this many polled rows, one list request per tick instead

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

  const listPath = `/api/v1/submissions?user_id=${encodeURIComponent(me.id)}&page=${page}&per_page=${per}`;
  let r;
  try {
    r = await api('GET', listPath, undefined, { signal: ctx.signal });
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
  const titles = await problemTitles(items.map((s) => s.problem_id));
  if (ctx.signal.aborted) return;
  const wrap = submissionsTable(items, { problemTitles: titles });
  box.append(wrap);
  const nav = pager(page, pages, (n) => ctx.navigate(hrefFor(n)), { label: 'Submission pages' });
  if (nav) box.append(nav);

  // --- live: rows change only forward (by event id, else by phase), whoever answers last ---
  const byId = new Map(items.map((s) => [String(s.id), s]));
  // settled: done, and its time/memory/score came from a record (the feed only says the verdict).
  for (const s of items) s._settled = isDone(s);
  const redraw = (cur) => { if (!ctx.signal.aborted) updateSubmissionRow(wrap, cur); };
  // A full record from GET /submissions/:id, applied unless the row already shows a later event.
  // Returns false when the record is older than what the row shows (a replica that lags).
  function applyRecord(id, full) {
    const cur = byId.get(id);
    if (!cur) return true;
    if (typeof full.event_id === 'number' && typeof cur.event_id === 'number' && full.event_id < cur.event_id) return false;
    cur._settled = isDone(full);
    if (full.test == null) full.test = testFromEventId(full) ?? (full.status === 'running' && cur.status === 'running' ? cur.test : null);
    for (const k of ['status', 'verdict', 'score', 'time_ms', 'memory_kb', 'test', 'event_id']) if (k in full) cur[k] = full[k];
    redraw(cur);
    return true;
  }
  // One guarded loader per row: a slow answer never draws over a newer one.
  const loaders = new Map();
  const refetch = (id) => {
    if (!loaders.has(id)) {
      loaders.set(id, latest(async (fresh) => {
        try {
          const full = await api('GET', `/api/v1/submissions/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
          // Older than the feed: ask again shortly (by polling) until the record catches up.
          if (fresh() && !applyRecord(id, full)) poll(id);
        } catch (err) {
          if (err.name !== 'AbortError') poll(id); // the row keeps what it shows; try again
        }
      }));
    }
    return loaders.get(id)();
  };

  // Polling, for the rows past LIVE_MAX, for topics the server refused and for records that
  // lagged behind the feed: every POLL_MS until each is settled.
  const polled = new Set();
  let pollTimer = null, stopped = false;
  ctx.onCleanup(() => { stopped = true; clearTimeout(pollTimer); });
  async function pollTick() {
    pollTimer = null;
    for (const id of [...polled]) if (byId.get(id)._settled) polled.delete(id);
    if (!polled.size || stopped) return;
    if (polled.size <= POLL_ONE_BY_ONE) {
      await Promise.all([...polled].map(refetch));
    } else {
      try {
        const again = await api('GET', listPath, undefined, { signal: ctx.signal });
        for (const x of again.items || []) {
          const id = String(x.id), cur = byId.get(id);
          if (!polled.has(id) || !cur || rank(x) < rank(cur)) continue;
          for (const k of ['status', 'verdict', 'score', 'time_ms', 'memory_kb']) if (k in x) cur[k] = x[k];
          cur._settled = isDone(x);
          redraw(cur);
        }
      } catch (_) { /* next tick */ }
    }
    schedulePoll();
  }
  function schedulePoll() {
    if (!stopped && !pollTimer && polled.size) pollTimer = setTimeout(pollTick, POLL_MS);
  }
  const poll = (id) => { polled.add(id); schedulePoll(); };

  const unfinished = items.filter((x) => !isDone(x)).map((x) => String(x.id));
  for (const id of unfinished.slice(LIVE_MAX)) poll(id);
  for (const id of unfinished.slice(0, LIVE_MAX)) {
    let stop = null;
    stop = subscribe(`submission/${id}`, {
      onEvent(ev) {
        const d = ev.data || {};
        const cur = byId.get(id);
        if (!cur) return;
        const eid = typeof ev.id === 'number' && ev.id > 0 ? ev.id : null;
        if (eid !== null ? typeof cur.event_id === 'number' && eid < cur.event_id : rank(d) < rank(cur)) return;
        for (const k of ['status', 'verdict', 'test']) cur[k] = d[k] ?? null;
        if (eid !== null) cur.event_id = eid;
        cur._settled = false;
        redraw(cur);
        if (d.status === 'done') refetch(id); // time, memory and score come with the record
      },
      onSubscribed() { refetch(id); },
      onError() {
        // Refused (too_many_subscriptions, unavailable, …): poll this row instead.
        if (stop) { stop(); stop = null; }
        poll(id);
      },
    });
    ctx.onCleanup(() => { if (stop) stop(); });
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
  headers.push('Verdict', 'Time', 'Memory');
  const rows = tests.map((t) => {
    const ok = t.verdict === 'AC';
    const cells = [el('td', { class: 'num' }, String(t.n))];
    if (hasGroup) cells.push(el('td', {}, t.group || '—'));
    cells.push(
      el('td', { 'data-verdict': t.verdict, class: 'ct-tverdict' },
        el('span', { class: 'ct-mark', 'aria-hidden': 'true' }, ok ? '✓' : '✗'), ' ',
        verdictBadge({ status: 'done', verdict: t.verdict })),
      el('td', { class: 'num' }, fmtTimeLimit(t.time_ms)),
      el('td', { class: 'num' }, fmtMemory(t.memory_kb)));
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
    cells.push(el('td', {}, verdictBadge({ status: 'running' })), el('td', { class: 'num' }, '—'), el('td', { class: 'num' }, '—'));
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
    fact('Time', ran ? fmtTimeLimit(sub.time_ms) : '—');
    fact('Memory', ran ? fmtMemory(sub.memory_kb) : '—');
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
          el('td', { class: 'num' }, fmtTimeLimit(h.time_ms)), el('td', { class: 'num' }, fmtMemory(h.memory_kb)),
          el('td', { class: 'num' }, String((h.tests || []).length))))));
    }
  }
  render();

  // --- live: events carry {id, status, verdict, test}; the REST record carries the rest ---
  let evLast = -1;    // the newest event id seen on the feed
  let lastEv = null;  // that event's data: a slower REST answer must not go back in time
  let staleTries = 0, busy = false, again = false, timer = null;
  async function refetch() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const fresh = await get();
      if (ctx.signal.aborted) return;
      const stale = !!lastEv && (typeof fresh.event_id === 'number' && evLast >= 0
        ? fresh.event_id < evLast : rank(fresh) < rank(lastEv));
      // The REST record has no `test`: read it from event_id, else keep the feed's, else guess
      // the one after the last finished.
      if (fresh.status === 'running' && fresh.test == null) {
        const done = (fresh.tests || []).map((x) => x.n);
        fresh.test = testFromEventId(fresh)
          ?? (sub.status === 'running' && sub.test ? sub.test : done.length ? Math.max(...done) + 1 : null);
      }
      sub = fresh;
      if (stale && staleTries < 3) { Object.assign(sub, lastEv); staleTries++; again = true; } else staleTries = 0;
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
      lastEv = {};
      for (const [k, v] of Object.entries(d)) if (k !== 'id' && k !== 'source') lastEv[k] = v;
      if (!('test' in d)) lastEv.test = null;
      Object.assign(sub, lastEv);
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
