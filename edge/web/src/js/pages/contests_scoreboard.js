// contests_scoreboard.js — /contests/:id/scoreboard: the live board.
import { api, user, isJury } from '../api.js';
import { el, clear, link, showError, setTitle, latest, pager as pagerNav, scoringName } from '../ui.js';
import { mountContest, contestPath, clockTime, contestTitles, problemName, debounced, keepFocus, errorBoxFor } from './contests_common.js';

const PER_PAGE = 100;

export const fmtNum = (x) => (typeof x !== 'number' ? '' : Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, ''));

function maxPoints(p) {
  const sub = (p && p.subtasks) || [];
  const s = sub.reduce((a, t) => a + (Number(t.points) || 0), 0);
  return s > 0 ? s : p ? p.points : undefined;
}

// One cell as {main, sub, cls, label}: the text carries the meaning, the class the colour.
export function cellView(cell, scoring, problem) {
  if (!cell) return { main: '', sub: '', cls: '', label: 'not attempted' };
  const { solved, attempts = 0, pending = 0, time_min: t, score, first_to_solve: first } = cell;
  const rejected = solved ? Math.max(0, attempts - 1) : attempts;
  const tries = (n) => `${n} rejected attempt${n === 1 ? '' : 's'}`;
  let v;
  if (scoring === 'ioi') {
    const max = maxPoints(problem);
    if (!attempts && !pending && !score) return { main: '', sub: '', cls: '', label: 'not attempted' };
    v = {
      main: fmtNum(score || 0) + (pending ? ' ?' : ''),
      sub: pending ? `${pending} pending` : '',
      cls: solved ? 'cell-solved' : score > 0 ? 'cn-cell-partial' : pending ? 'cell-pending' : 'cell-failed',
      label: `${fmtNum(score || 0)}${max ? ' of ' + fmtNum(max) : ''} points` + (pending ? `, ${pending} pending` : ''),
    };
  } else if (solved) {
    v = {
      main: scoring === 'cf' ? fmtNum(score) : rejected ? `+${rejected}` : '+',
      sub: (t !== null && t !== undefined ? `${t} min` : '') + (scoring === 'cf' && rejected ? ` · −${rejected}` : ''),
      cls: 'cell-solved',
      label: `solved${t !== null && t !== undefined ? ' at minute ' + t : ''}` + (rejected ? ` after ${tries(rejected)}` : '') +
        (scoring === 'cf' ? `, ${fmtNum(score)} points` : ''),
    };
  } else if (pending) {
    v = {
      main: '?', sub: (rejected ? `−${rejected} · ` : '') + `${pending} pending`, cls: 'cell-pending',
      label: `${pending} pending` + (rejected ? `, ${tries(rejected)}` : ''),
    };
  } else if (rejected) {
    v = { main: `−${rejected}`, sub: '', cls: 'cell-failed', label: `not solved, ${tries(rejected)}` };
  } else {
    return { main: '', sub: '', cls: '', label: 'not attempted' };
  }
  if (first) { v.cls += ' cell-first'; v.label += ', first to solve'; v.first = true; }
  return v;
}

function cellTd(cell, scoring, problem) {
  const v = cellView(cell, scoring, problem);
  return el('td', { class: `cn-cell ${v.cls}`, title: v.label, dataset: { label: problem ? problem.label : '' } },
    el('span', { class: 'cn-cell-main', 'aria-hidden': 'true' }, v.main,
      v.first ? el('span', { class: 'cn-first-mark', title: 'first to solve', 'aria-label': 'first to solve', role: 'img' }, '★') : null),
    v.sub ? el('span', { class: 'cn-cell-sub', 'aria-hidden': 'true' }, v.sub) : null,
    el('span', { class: 'sr-only' }, `${problem ? problem.label : ''}: ${v.label}`));
}

export async function contestScoreboard(ctx) {
  const id = ctx.params.id;
  const wantPublic = ctx.query.get('view') === 'public';
  const me = user();
  let board = null, page = 1, titles = {}, seen = new Map(), firstRender = true, myLast = null;

  const bannerSlot = el('div', {});
  const juryBar = el('div', {});
  const errSlot = el('div', {});
  // "n contestants · updated hh:mm" is for the eye only; a screen reader hears changes to its
  // user's own row (rank, solved) through `myNews`, not every update of the board.
  const status = el('p', { class: 'muted cn-board-status', 'aria-live': 'off' });
  const myNews = el('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-testid': 'my-row-news' });
  const pagerSlot = el('div', { class: 'cn-pager' });
  const tableSlot = el('div', { class: 'cn-board-slot' }, el('p', { class: 'loading' }, 'Loading the scoreboard…'));

  const refetchSoon = debounced(ctx, () => load(), 300);
  const h = await mountContest(ctx, {
    tab: 'scoreboard',
    freezeInBody: true,
    onEvent(ev) { if (ev.type === 'scoreboard') refetchSoon(); },
    onSubscribed: () => refetchSoon(),
    onContest: () => refetchSoon(),
  });
  if (!h) return;
  const c = h.contest;
  setTitle('Scoreboard', c.title);
  h.body.setAttribute('data-testid', 'scoreboard-page');
  h.body.append(el('h2', { class: 'sr-only' }, 'Scoreboard'), bannerSlot, juryBar, errSlot, status, myNews, tableSlot, pagerSlot);
  contestTitles(c).then((t) => { titles = t; if (board) draw(); });

  const load = latest(async (fresh) => {
    tableSlot.setAttribute('aria-busy', 'true');
    try {
      const q = isJury() && wantPublic ? '?view=public' : '';
      const b = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}/scoreboard${q}`, undefined, { signal: ctx.signal });
      if (!fresh()) return; // a newer answer is on its way
      board = b;
      showError(errSlot, null);
      draw();
    } catch (e) {
      if (e.name === 'AbortError' || !fresh()) return;
      clear(errSlot).append(errorBoxFor(e, `Could not ${board ? 'update' : 'load'} the scoreboard`, () => load()));
      if (!board) clear(tableSlot);
    } finally {
      if (fresh()) tableSlot.removeAttribute('aria-busy');
    }
  });

  // Tell a screen reader when the user's own rank or solved count changed.
  function announceMine(row) {
    const now = row ? { rank: row.rank, solved: row.solved } : null;
    const before = myLast;
    myLast = now;
    if (!now || !before || (before.rank === now.rank && before.solved === now.solved)) return;
    myNews.textContent = `Your row changed: rank ${now.rank} (was ${before.rank}), ${now.solved} solved (was ${before.solved}).`;
  }

  function draw() {
    const scoring = board.scoring || c.scoring;
    // banners
    clear(bannerSlot);
    if (board.frozen) {
      bannerSlot.append(el('div', { class: 'freeze-banner', 'data-testid': 'freeze-banner', role: 'note' },
        c.freeze_time
          ? `The scoreboard is frozen since ${clockTime(c.freeze_time)}: submissions after that show as pending until the jury thaws it.`
          : 'The scoreboard is frozen: later submissions show as pending until the jury thaws it.'));
    }
    clear(juryBar);
    if (isJury()) {
      const publicShown = board.view === 'public' || wantPublic;
      const hidden = c.freeze_time && !c.thawed && ['frozen', 'ended'].includes(c.state);
      juryBar.append(el('div', { class: 'info-box cn-jury-view' },
        publicShown
          ? ['You are looking at the contestants\u2019 view. ', link(contestPath(id, '/scoreboard'), 'Show the jury (live) view')]
          : [hidden ? `Contestants see this board frozen since ${clockTime(c.freeze_time)}; you see the live jury view. ` : 'You see the jury (live) view. ',
              link(contestPath(id, '/scoreboard?view=public'), 'Show the contestants\u2019 view')]));
    }
    const rows = board.rows || [];
    const probs = c.problems || [];
    const pages = Math.max(1, Math.ceil(rows.length / PER_PAGE));
    if (page > pages) page = pages;
    const mineIdx = me ? rows.findIndex((r) => String(r.user_id) === String(me.id)) : -1;
    announceMine(mineIdx >= 0 ? rows[mineIdx] : null);
    const slice = rows.slice((page - 1) * PER_PAGE, page * PER_PAGE);

    const scoreHead = scoring === 'icpc' ? 'Penalty' : 'Score';
    const head = el('tr', {},
      el('th', { scope: 'col', class: 'num' }, 'Rank'),
      el('th', { scope: 'col' }, 'Contestant'),
      el('th', { scope: 'col', class: 'num' }, 'Solved'),
      el('th', { scope: 'col', class: 'num' }, scoreHead),
      probs.map((p) => el('th', { scope: 'col', class: 'cn-prob-col', title: problemName(p, titles) },
        link(contestPath(id, '/problems/' + encodeURIComponent(p.label)), p.label),
        scoring !== 'icpc' ? el('span', { class: 'cn-cell-sub' }, fmtNum(maxPoints(p))) : null)));
    const solvedBy = probs.map((p) => rows.filter((r) => (r.problems || []).some((x) => x.label === p.label && x.solved)).length);
    const body = slice.map((r) => {
      const mine = me && String(r.user_id) === String(me.id);
      const key = String(r.user_id);
      const sig = JSON.stringify([r.rank, r.solved, r.penalty, r.score, r.problems]);
      const changed = !firstRender && seen.get(key) !== sig;
      seen.set(key, sig);
      const cells = new Map((r.problems || []).map((x) => [x.label, x]));
      return el('tr', {
        class: [mine ? 'mine' : '', changed ? 'cn-changed' : ''].join(' ').trim() || null,
        'aria-current': mine ? 'true' : null, 'data-testid': mine ? 'my-row' : null, dataset: { user: r.username },
      },
      el('td', { class: 'num' }, r.rank),
      el('th', { scope: 'row', class: 'cn-who' }, r.username, mine ? el('span', { class: 'muted' }, ' (you)') : null),
      el('td', { class: 'num' }, r.solved),
      el('td', { class: 'num' }, scoring === 'icpc' ? r.penalty : fmtNum(r.score)),
      probs.map((p) => cellTd(cells.get(p.label), scoring, p)));
    });
    firstRender = false;
    if (!rows.length) {
      body.push(el('tr', {}, el('td', { colspan: 4 + probs.length, class: 'muted' },
        'Nobody is on the board yet: contestants appear here once they register.')));
    }
    const table = el('div', { class: 'table-wrap' },
      el('table', { class: 'cn-scoreboard', 'data-testid': 'scoreboard' },
        el('caption', { class: 'sr-only' }, `Scoreboard of ${c.title} (${scoringName(scoring)})`),
        el('thead', {}, head),
        el('tbody', {}, body),
        rows.length ? el('tfoot', {}, el('tr', {},
          el('th', { scope: 'row', colspan: 4 }, 'Solved by'),
          solvedBy.map((n) => el('td', { class: 'num' }, n)))) : null));
    keepFocus(tableSlot, () => clear(tableSlot).append(table));

    status.textContent = `${rows.length} contestant${rows.length === 1 ? '' : 's'} · ${scoringName(scoring)} · updated ${new Date().toLocaleTimeString()}`;
    const go = (n) => { page = n; draw(); tableSlot.scrollIntoView({ block: 'start' }); };
    const myPage = mineIdx >= 0 ? Math.floor(mineIdx / PER_PAGE) + 1 : 0;
    const mineBtn = myPage && myPage !== page
      ? el('button', { type: 'button', class: 'btn btn-small', 'data-rel': 'mine', onclick: () => go(myPage) }, `Go to my row (rank ${rows[mineIdx].rank})`)
      : null;
    keepFocus(pagerSlot, () => clear(pagerSlot).append(
      pagerNav(page, pages, go, { label: 'Scoreboard pages', extra: mineBtn }) || ''));
  }

  await load();
}
