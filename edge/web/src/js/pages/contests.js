// contests.js — the contest pages: the list, a contest's problems, one problem with the submit
// form, the scoreboard, clarifications and my submissions. main.js routes here; the bigger
// pages live in contests_*.js and are re-exported.
import { api, user, isJury, isAdmin } from '../api.js';
import {
  el, clear, link, errorBox, setTitle, fmtTime, fmtDuration, countdown, statusText, latest, signInLink,
  contestState, scoringName, syncClock,
} from '../ui.js';
import { submitForm } from '../submit.js';
import { renderStatement } from './problems.js';
import { submissionsTable, updateSubmissionRow } from './submissions.js';
import {
  mountContest, contestPath, contestTitles, problemName, debounced, registerControl, isLive, keepFocus, errorBoxFor,
} from './contests_common.js';
import { announcementsPanel } from './contests_clar.js';
import { cellView, fmtNum } from './contests_scoreboard.js';

export { contestScoreboard } from './contests_scoreboard.js';
export { contestClarifications } from './contests_clar.js';

// ---- / and /contests ------------------------------------------------------------------------

const GROUPS = [
  ['running', 'Running', (c) => c.state === 'running' || c.state === 'frozen', (a, b) => Date.parse(a.end_time) - Date.parse(b.end_time)],
  ['upcoming', 'Upcoming', (c) => c.state === 'scheduled', (a, b) => Date.parse(a.start_time) - Date.parse(b.start_time)],
  ['past', 'Past', (c) => c.state === 'ended' || c.state === 'finalized', (a, b) => Date.parse(b.start_time) - Date.parse(a.start_time)],
];

export async function contestsList(ctx) {
  setTitle('Contests');
  const slot = el('div', {}, el('p', { class: 'loading' }, 'Loading the contests…'));
  ctx.root.append(
    el('div', { class: 'spread' }, el('h1', {}, 'Contests'),
      isAdmin() ? link('/admin/contests/new', 'New contest') : null),
    slot);
  let stops = [], tries = 0, timer = null, lastStates = '';
  const stopAll = () => { stops.forEach((f) => f()); stops = []; };
  ctx.onCleanup(() => { stopAll(); clearTimeout(timer); });

  const load = latest(async (fresh) => {
    let r;
    try {
      r = await api('GET', '/api/v1/contests?per_page=200', undefined, { signal: ctx.signal });
    } catch (e) {
      if (e.name === 'AbortError' || !fresh()) return;
      clear(slot).append(errorBoxFor(e, 'Could not load the contests', () => load()));
      return;
    }
    if (!fresh()) return;
    if (r && r.server_time) syncClock(r.server_time); // countdowns on the server's clock
    const items = Array.isArray(r) ? r : r.items || [];
    const states = items.map((c) => c.id + c.state).join();
    if (states !== lastStates) { lastStates = states; tries = 0; }
    stopAll();
    const parts = [];
    // a countdown at zero means the state changed on the server: ask again, backing off
    const onZero = () => {
      if (tries >= 6) return;
      tries++;
      clearTimeout(timer);
      timer = setTimeout(load, 700 * tries);
    };
    for (const [key, name, pick, order] of GROUPS) {
      const list = items.filter(pick).sort(order);
      const sec = el('section', { class: `cn-contest-group group-${key}`, 'aria-labelledby': `cg-${key}`, 'data-testid': `contests-${key}` },
        el('h2', { id: `cg-${key}` }, name, el('span', { class: 'muted cn-count' }, ` (${list.length})`)));
      if (!list.length) {
        sec.append(el('p', { class: 'muted' }, key === 'running' ? 'No contest is running right now.' : key === 'upcoming' ? 'No contest is scheduled.' : 'No past contests.'));
      } else {
        sec.append(el('ul', { class: 'cn-contest-cards' }, list.map((c) => {
          const st = contestState(c);
          const cd = st.target ? el('span', { class: 'countdown', role: 'timer' }) : null;
          if (cd) stops.push(countdown(cd, st.target, st.prefix, onZero));
          return el('li', { class: 'card cn-contest-card', 'data-testid': `contest-${c.id}` },
            el('div', { class: 'spread' },
              el('h3', {}, link(contestPath(c.id), c.title)),
              el('span', { class: `badge badge-${st.cls}` }, st.words)),
            el('dl', { class: 'cn-contest-facts' },
              el('div', {}, el('dt', {}, 'Start'), el('dd', {}, el('time', { datetime: c.start_time }, fmtTime(c.start_time)))),
              el('div', {}, el('dt', {}, 'Length'), el('dd', {}, fmtDuration(c.duration_s))),
              el('div', {}, el('dt', {}, 'Scoring'), el('dd', {}, scoringName(c.scoring))),
              c.freeze_s ? el('div', {}, el('dt', {}, 'Freeze'), el('dd', {}, `last ${Math.round(c.freeze_s / 60)} min`)) : null),
            cd ? el('p', { class: 'cn-contest-countdown' }, cd) : null);
        })));
      }
      parts.push(sec);
    }
    const total = typeof r.total === 'number' ? r.total : items.length;
    if (total > items.length) parts.push(el('p', { class: 'muted' }, `Showing the ${items.length} most recent of ${total} contests.`));
    keepFocus(slot, () => slot.replaceChildren(...parts)); // a refresh keeps focus on the same link
  });
  await load();
}

// ---- /contests/:id ------------------------------------------------------------------------

// The signed-in user's result on one problem, in words (from the scoreboard cell).
function myResult(cell, scoring, p) {
  if (!cell) return el('span', { class: 'muted' }, '—');
  const v = cellView(cell, scoring, p);
  if (!v.main) return el('span', { class: 'muted' }, 'Not attempted');
  let text;
  if (scoring === 'ioi') text = `${v.main} points`;
  else if (cell.solved) text = `✓ Solved${cell.time_min !== null && cell.time_min !== undefined ? ' at ' + cell.time_min + ' min' : ''}` + (cell.attempts > 1 ? ` (${cell.attempts - 1} rejected)` : '') + (scoring === 'cf' ? ` · ${fmtNum(cell.score)} pts` : '');
  else if (cell.pending) text = `? Pending (${cell.pending})` + (cell.attempts ? ` · ${cell.attempts} rejected` : '');
  else text = `✗ ${cell.attempts} rejected attempt${cell.attempts === 1 ? '' : 's'}`;
  return el('span', { class: `cn-my-result ${v.cls}`, 'data-testid': `my-result-${p.label}` }, text, v.first ? el('span', { class: 'cn-first-mark', title: 'first to solve', 'aria-label': 'first to solve', role: 'img' }, ' ★') : null);
}

export async function contestPage(ctx) {
  const id = ctx.params.id;
  const ann = announcementsPanel(ctx, id);
  const probSlot = el('div', {}, el('p', { class: 'loading' }, 'Loading the problems…'));
  let board = null, titles = null, c = null;
  // latest(): the first load, the refetch on subscribing and those on events may overlap
  const loadBoard = latest(async (fresh) => {
    let b;
    try {
      b = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}/scoreboard`, undefined, { signal: ctx.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      b = { error: e };
    }
    if (!fresh()) return;
    board = b;
    draw();
  });
  const loadTitles = latest(async (fresh) => {
    const t = await contestTitles(c);
    if (fresh()) { titles = t; draw(); }
  });
  const boardSoon = debounced(ctx, loadBoard, 300);
  const h = await mountContest(ctx, {
    tab: 'problems',
    onEvent(ev) {
      if (ev.type === 'scoreboard') boardSoon();
      if (ev.type === 'announcement') ann.reload();
    },
    onSubscribed() { ann.reload(); boardSoon(); },
    onContest() {
      if (!c) return;
      // titles of problems hidden before the start can be read once it has started
      if (c.state !== 'scheduled' && titles && (c.problems || []).some((p) => !titles[p.problem_id])) loadTitles();
      draw();
      boardSoon();
    },
  });
  if (!h) return;
  c = h.contest;
  setTitle(c.title);
  h.body.append(ann.box, el('section', { 'aria-labelledby': 'probs-h' }, el('h2', { id: 'probs-h' }, 'Problems'), probSlot));

  function draw() {
    if (!c) return;
    const probs = c.problems || [];
    if (c.state === 'scheduled' && !isJury()) {
      clear(probSlot).append(el('p', { class: 'info-box', 'data-testid': 'problems-later' }, `${probs.length === 1 ? 'The problem appears' : `The ${probs.length} problems appear`} here when the contest starts (${fmtTime(c.start_time)}).`));
      return;
    }
    if (!probs.length) { clear(probSlot).append(el('p', { class: 'muted' }, 'This contest has no problems yet.')); return; }
    const me = user();
    const row = me && board && board.rows ? board.rows.find((r) => String(r.user_id) === String(me.id)) : null;
    const showMine = !!(me && (c.registered || row));
    const showPoints = c.scoring !== 'icpc';
    const solvedBy = (label) => board && board.rows ? board.rows.filter((r) => (r.problems || []).some((x) => x.label === label && x.solved)).length : null;
    const heads = ['Problem', showPoints ? 'Points' : null, 'Solved by', showMine ? 'Your result' : null].filter(Boolean);
    const rows = probs.map((p) => {
      const cell = row ? (row.problems || []).find((x) => x.label === p.label) : null;
      const sb = solvedBy(p.label);
      return el('tr', { 'data-testid': `problem-${p.label}` },
        el('th', { scope: 'row' }, link(contestPath(id, '/problems/' + encodeURIComponent(p.label)), problemName(p, titles))),
        showPoints ? el('td', { class: 'num' }, fmtNum(p.subtasks && p.subtasks.length ? p.subtasks.reduce((a, s) => a + (s.points || 0), 0) : p.points)) : null,
        el('td', { class: 'num' }, sb === null ? '…' : sb),
        showMine ? el('td', {}, board ? myResult(cell, c.scoring, p) : '…') : null);
    });
    const wrap = el('div', { class: 'table-wrap' },
      el('table', { class: 'cn-problems-table', 'data-testid': 'contest-problems' },
        el('thead', {}, el('tr', {}, heads.map((t) => el('th', { scope: 'col', class: t === 'Points' || t === 'Solved by' ? 'num' : null }, t)))),
        el('tbody', {}, rows)));
    const extra = [];
    if (board && board.error) extra.push(errorBoxFor(board.error, 'Could not load the scoreboard for your results', () => loadBoard()));
    if (titles && probs.some((p) => !titles[p.problem_id])) extra.push(el('p', { class: 'muted' }, 'Some problem titles could not be loaded; open the problem to see it.'));
    keepFocus(probSlot, () => probSlot.replaceChildren(wrap, ...extra));
  }
  draw();
  loadTitles();
  await Promise.all([ann.reload(), loadBoard()]);
}

// ---- /contests/:id/problems/:label ----------------------------------------------------------

export async function contestProblem(ctx) {
  const id = ctx.params.id, label = ctx.params.label;
  let drawn = null; // what the submit area shows, so a contest update redraws only on change
  let stmt = null; // null: not asked for yet; 'loading' | 'shown' | 'failed'
  const h = await mountContest(ctx, {
    tab: 'problems', register: false,
    onContest: () => {
      // the statement of a scheduled contest appears once it starts (no reload needed); before
      // the start contestants get no problem list, so the problem is looked up again
      p = findProblem();
      drawNav();
      if (stmt === 'waiting' && c.state !== 'scheduled') loadStatement();
      drawSubmit();
    },
  });
  if (!h) return;
  const c = h.contest;
  const findProblem = () => (c.problems || []).find((x) => x.label === label);
  let p = findProblem();
  const nav = el('nav', { 'aria-label': 'Problems of this contest', class: 'cn-problem-switch' });
  const drawNav = () => nav.replaceChildren(el('ul', { class: 'row' }, (c.problems || []).map((x) => {
    const a = link(contestPath(id, '/problems/' + encodeURIComponent(x.label)), x.label);
    a.className = 'btn btn-small';
    if (x.label === label) a.setAttribute('aria-current', 'page');
    return el('li', {}, a);
  })));
  drawNav();
  h.body.append(nav);
  const waiting = c.state === 'scheduled' && !isJury(); // the list is secret until the start
  if (!p && !waiting) {
    setTitle(`Problem ${label}`, c.title);
    h.body.append(errorBox({ message: `This contest has no problem "${label}".`, code: 'not_found' }),
      el('p', {}, link(contestPath(id), 'See the contest\u2019s problems'), '.'));
    return;
  }
  setTitle(`${label}`, c.title);
  const stmtSlot = el('div', { class: 'card' }, el('p', { class: 'loading' }, 'Loading the statement…'));
  const submitSlot = el('section', { class: 'cn-contest-submit', 'aria-labelledby': 'submit-h' });
  h.body.append(stmtSlot, submitSlot);

  async function loadStatement() {
    if (c.state === 'scheduled' && !isJury()) {
      stmt = 'waiting';
      clear(stmtSlot).append(el('p', { class: 'info-box', 'data-testid': 'statement-later' }, `The statement appears when the contest starts (${fmtTime(c.start_time)}).`));
      return;
    }
    if (stmt === 'loading' || stmt === 'shown') return;
    if (!p) {
      stmt = 'failed';
      clear(stmtSlot).append(errorBox({ message: `This contest has no problem "${label}".`, code: 'not_found' }));
      return;
    }
    stmt = 'loading';
    clear(stmtSlot).append(el('p', { class: 'loading' }, 'Loading the statement…'));
    try {
      const problem = await api('GET', `/api/v1/problems/${encodeURIComponent(p.problem_id)}`, undefined, { signal: ctx.signal });
      setTitle(`${label}. ${problem.title}`, c.title);
      clear(stmtSlot).append(el('p', { class: 'muted cn-problem-label' }, `Problem ${label}`,
        c.scoring !== 'icpc' ? ` · ${fmtNum(p.points)} points` : ''), renderStatement(problem));
      stmt = 'shown';
    } catch (e) {
      if (e.name === 'AbortError') return;
      stmt = 'failed';
      clear(stmtSlot).append(errorBoxFor(e.status !== undefined ? e : { message: e.message }, 'Could not show the statement',
        () => { stmt = null; loadStatement(); }));
    }
  }

  function drawSubmit() {
    const me = user();
    const mode = !me ? 'signin' : isJury() ? 'form' : !c.registered ? 'register'
      : c.state === 'scheduled' ? 'wait' : isLive(c) ? 'form' : 'closed';
    if (mode === drawn) return;
    if (!p && (mode === 'closed' || mode === 'form')) { clear(submitSlot); return; } // no such label
    const hadFocus = submitSlot.contains(document.activeElement);
    drawn = mode;
    const heading = el('h2', { id: 'submit-h', tabindex: '-1' }, 'Submit');
    clear(submitSlot).append(heading);
    if (mode === 'signin') {
      submitSlot.append(el('p', { class: 'info-box' }, signInLink('Sign in to register'), ' and submit.'));
    } else if (mode === 'register') {
      submitSlot.append(el('div', { class: 'info-box' }, el('p', {}, 'You are not registered for this contest. Register to submit.'),
        registerControl(ctx, c, () => { h.update(c); })));
    } else if (mode === 'wait') {
      submitSlot.append(el('p', { class: 'info-box' }, 'You are registered. Submissions open when the contest starts.'));
    } else if (mode === 'closed') {
      submitSlot.append(el('p', { class: 'info-box' }, 'The contest has ended: submissions are closed. ', link(`/problems/${encodeURIComponent(p.problem_id)}`, 'Practise this problem outside the contest'), '.'));
    } else {
      if (isJury()) submitSlot.append(el('p', { class: 'muted' }, 'You are on the jury: your submissions are judged but not on the scoreboard.'));
      try {
        submitSlot.append(submitForm(ctx, { problemId: p.problem_id, contestId: c.id }));
      } catch (e) {
        submitSlot.append(errorBoxFor(e, 'Could not show the submit form'));
      }
    }
    // the control that had focus (Register) is gone: continue from the heading
    if (hadFocus) heading.focus({ preventScroll: true });
  }
  drawSubmit();
  await loadStatement();
}

// ---- /contests/:id/submissions --------------------------------------------------------------

export async function contestSubmissions(ctx) {
  const id = ctx.params.id;
  const listSlot = el('div', {}, el('p', { class: 'loading' }, 'Loading your submissions…'));
  // verdicts that arrive live are read out politely (the table itself is not a live region)
  const news = el('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-testid': 'verdict-news' });
  const items = new Map();
  let total = 0, loaded = false, names = {}, node = null;
  let evCount = 0; // live events applied so far; evAt: submission id -> the count at its last event
  const evAt = new Map();
  const userNames = {};
  const refetch = debounced(ctx, () => load(), 200);
  const h = await mountContest(ctx, {
    tab: 'submissions',
    onEvent(ev) {
      if (ev.type !== 'submission' || !ev.data) return;
      const me = user();
      if (!isJury() && me && String(ev.data.user_id) !== String(me.id)) return;
      const key = String(ev.data.id), prev = items.get(key);
      if (!prev) total++;
      const s = Object.assign({}, prev || {}, ev.data, { contest_id: id });
      items.set(key, s);
      evAt.set(key, ++evCount);
      if (s.status === 'done' && (!prev || prev.status !== 'done' || prev.verdict !== s.verdict)) {
        news.textContent = `Submission #${s.id}${names[s.problem_id] ? ' (' + names[s.problem_id] + ')' : ''}: ${statusText(s)}.`;
      }
      if (prev && node && node.isConnected && node.querySelector(`tr[data-sub-id="${CSS.escape(key)}"]`)) {
        keepFocus(listSlot, () => updateSubmissionRow(node, s));
        return;
      }
      draw();
    },
    onSubscribed: () => refetch(),
  });
  if (!h) return;
  const c = h.contest;
  setTitle('My submissions', c.title);
  h.body.append(el('h2', {}, isJury() ? 'Submissions in this contest' : 'My submissions in this contest'), news, listSlot);

  function draw() {
    if (!loaded) return;
    const list = [...items.values()].sort((a, b) => Number(b.id) - Number(a.id));
    if (!list.length) {
      node = null;
      listSlot.replaceChildren(el('p', { class: 'muted', 'data-testid': 'submissions-empty' }, 'No submissions yet. ', link(contestPath(id), 'Pick a problem'), ' to submit.'));
      return;
    }
    node = submissionsTable(list, {
      showUser: isJury(), showProblem: true, problemTitles: names, userNames,
      problemHref: (s) => (s.label ? contestPath(id, '/problems/' + encodeURIComponent(s.label)) : null),
    });
    const more = total > list.length ? el('p', { class: 'muted' }, `Showing the latest ${list.length} of ${total}.`) : null;
    keepFocus(listSlot, () => listSlot.replaceChildren(node, ...(more ? [more] : [])));
  }
  // latest(): the first load and the refetch on subscribing may overlap. A row that got a live
  // event after this GET was sent keeps the event's (newer) state.
  const load = latest(async (fresh) => {
    const mark = evCount;
    try {
      const r = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}/submissions?per_page=200`, undefined, { signal: ctx.signal });
      if (isJury()) await loadUserNames(r.items || []);
      if (!fresh()) return;
      const next = new Map();
      for (const s of r.items || []) {
        const k = String(s.id);
        next.set(k, (evAt.get(k) || 0) > mark && items.has(k) ? items.get(k) : Object.assign({ contest_id: id }, s));
      }
      let newer = 0; // submitted (seen live) after the GET's snapshot
      for (const [k, s] of items) if (!next.has(k) && (evAt.get(k) || 0) > mark) { next.set(k, s); newer++; }
      items.clear();
      for (const [k, s] of next) items.set(k, s);
      total = (typeof r.total === 'number' ? r.total : (r.items || []).length) + newer;
      loaded = true;
      draw();
    } catch (e) {
      if (e.name === 'AbortError' || !fresh()) return;
      listSlot.replaceChildren(errorBoxFor(e, 'Could not load your submissions', () => load()));
    }
  });
  // jury: the submitters' names come from the board (csub has only user ids)
  async function loadUserNames(list) {
    if (!list.some((s) => !userNames[s.user_id])) return;
    try {
      const b = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}/scoreboard`, undefined, { signal: ctx.signal });
      for (const r of b.rows || []) userNames[r.user_id] = r.username;
    } catch (_) { /* ids are shown instead */ }
  }
  contestTitles(c).then((t) => {
    for (const p of c.problems || []) names[p.problem_id] = problemName(p, t);
    draw();
  });
  await load();
}
