// contests_common.js — what every contest page shares: the contest header (title, state,
// countdown, freeze info, registration), the tab bar, problem titles, one live subscription
// per page and the app-wide announcement/answer toasts.
import { api, user, isJury } from '../api.js';
import { subscribe } from '../live.js';
import { el, clear, link, showError, toast, syncClock, now, countdown, fmtTime, fmtDuration } from '../ui.js';

export const contestPath = (id, rest = '') => `/contests/${encodeURIComponent(id)}${rest}`;

const SCORING = { icpc: 'ICPC', ioi: 'IOI', cf: 'Codeforces' };
export const scoringName = (s) => SCORING[s] || String(s || '').toUpperCase();

// Clock time of an ISO instant: "14:00" today, a full date otherwise.
export function clockTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return String(iso || '');
  const today = new Date(now());
  if (d.toDateString() === today.toDateString()) return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  return fmtTime(iso);
}

// The state in words, and what the countdown counts to.
export function stateInfo(c) {
  switch (c.state) {
    case 'scheduled': return { words: 'Not started yet', cls: 'pending', target: c.start_time, prefix: 'Starts in ' };
    case 'running': return { words: 'Running', cls: 'ok', target: c.end_time, prefix: 'Ends in ' };
    case 'frozen': return { words: 'Running · scoreboard frozen', cls: 'ok', target: c.end_time, prefix: 'Ends in ' };
    case 'ended': return { words: 'Ended', cls: 'warn', target: null };
    case 'finalized': return { words: 'Ended · results final', cls: 'warn', target: null };
    default: return { words: String(c.state || 'unknown'), cls: 'pending', target: null };
  }
}
export const isLive = (c) => c.state === 'running' || c.state === 'frozen';

export function freezeText(c) {
  if (!c.freeze_time) return null;
  const at = clockTime(c.freeze_time);
  const mins = c.freeze_s ? Math.round(c.freeze_s / 60) : null;
  if (c.state === 'scheduled' || c.state === 'running')
    return `The scoreboard freezes at ${at}${mins ? ` (the last ${mins} min)` : ''}.`;
  if (c.state === 'frozen') return `The scoreboard is frozen since ${at}: results after that stay hidden until the jury thaws it.`;
  if (c.thawed) return 'The scoreboard was frozen and has been thawed: all results are shown.';
  if (c.state === 'ended') return `The scoreboard is still frozen since ${at}: the jury has not revealed the final results yet.`;
  return null;
}

// ---- problem titles (GET /api/v1/problems/{id}, once per page load) ----------------------
const titleCache = new Map(); // problem_id -> Promise<title | null>, shared by the pages
export async function problemTitles(c) {
  const out = {};
  await Promise.all((c.problems || []).map(async (p) => {
    const pid = p.problem_id;
    if (!titleCache.has(pid)) {
      titleCache.set(pid, api('GET', `/api/v1/problems/${encodeURIComponent(pid)}`).then(
        (pr) => pr.title,
        () => { titleCache.delete(pid); return null; })); // shown as "Problem A"
    }
    out[pid] = await titleCache.get(pid);
  }));
  return out;
}
export const problemName = (p, titles) => (titles && titles[p.problem_id] ? `${p.label}. ${titles[p.problem_id]}` : `Problem ${p.label}`);

// ---- debounce -------------------------------------------------------------------------------
export function debounced(ctx, fn, ms = 300) {
  let t = null;
  ctx.onCleanup(() => clearTimeout(t));
  return () => { clearTimeout(t); t = setTimeout(() => { t = null; if (!ctx.signal.aborted) fn(); }, ms); };
}

// ---- toasts: announcements and answers to my questions ------------------------------------
// One subscription per contest that outlives a single page, so moving between the tabs of a
// contest keeps the socket open; released shortly after the last contest page is left.
let toastSub = null;
function toastEvent(ev) {
  const d = ev.data || {};
  const me = user();
  if (ev.type === 'announcement') {
    toast(`Announcement${d.title ? ': ' + d.title : ''} — ${d.answer || d.question || ''}`, 'announcement', 12000);
  } else if (ev.type === 'clarification' && d.answer && me && String(d.from_user_id) === String(me.id)) {
    if (toastSub && toastSub.seen.has(d.id)) return;
    if (toastSub) toastSub.seen.add(d.id);
    toast(`Your question${d.label ? ' about problem ' + d.label : ''} was answered: ${d.answer}`, 'announcement', 12000);
  }
}
export function liveToasts(ctx, contestId) {
  if (toastSub && toastSub.contestId !== String(contestId)) { toastSub.stop(); toastSub = null; }
  if (!toastSub) {
    const s = { contestId: String(contestId), refs: 0, timer: null, seen: new Set(), stop: null };
    s.stop = subscribe(`contest/${contestId}`, { onEvent: toastEvent });
    toastSub = s;
  }
  const s = toastSub;
  clearTimeout(s.timer);
  s.refs++;
  ctx.onCleanup(() => {
    s.refs--;
    if (s.refs > 0) return;
    s.timer = setTimeout(() => {
      if (toastSub === s && s.refs <= 0) { s.stop(); toastSub = null; }
    }, 2000);
  });
}

// ---- the header ---------------------------------------------------------------------------
const TABS = [
  ['problems', 'Problems', ''],
  ['scoreboard', 'Scoreboard', '/scoreboard'],
  ['clarifications', 'Clarifications', '/clarifications'],
  ['submissions', 'My submissions', '/submissions'],
];

export function tabBar(id, active) {
  return el('nav', { 'aria-label': 'Contest' },
    el('ul', { class: 'tabs cn-contest-tabs' }, TABS.map(([key, text, rest]) => {
      if (key === 'submissions' && !user()) return null;
      const a = link(contestPath(id, rest), text);
      if (key === active) a.setAttribute('aria-current', 'page');
      return el('li', {}, a);
    })));
}

// The register control: a button for signed-in contestants, a sign-in link otherwise.
export function registerControl(ctx, c, onRegistered) {
  if (c.registered || c.state === 'ended' || c.state === 'finalized') return null;
  if (!user()) {
    const next = location.pathname + location.search;
    return el('p', { class: 'cn-register' }, link('/signin?next=' + encodeURIComponent(next), 'Sign in to register'),
      el('span', { class: 'muted' }, ' for this contest to submit and ask questions.'));
  }
  if (isJury()) return null; // staff submit without registering and are not on the board
  const errs = el('div', { class: 'cn-register-errors' });
  const btn = el('button', { type: 'button', class: 'btn btn-primary' }, 'Register for this contest');
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    showError(errs, null);
    try {
      await api('POST', `/api/v1/contests/${encodeURIComponent(c.id)}/register`);
      c.registered = true;
      toast(`You are registered for ${c.title}.`, 'info');
      onRegistered && onRegistered(c);
    } catch (e) {
      showError(errs, e);
      btn.disabled = false;
    }
  });
  return el('div', { class: 'cn-register' }, btn, errs);
}

export async function fetchContest(id, signal) {
  const c = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}`, undefined, { signal });
  if (c.server_time) syncClock(c.server_time);
  return c;
}

// Renders the header + tabs into ctx.root and keeps them current. Returns
//   {contest, body, update(c), refresh()}
// `body` is where the page draws. opts: {tab, register: true|false, onContest(c), onEvent(ev),
// onSubscribed(), freezeInBody: the page shows the freeze itself} — one live subscription to contest/<id> serves the header and the page.
export async function mountContest(ctx, opts) {
  const id = ctx.params.id;
  const headSlot = el('div', { class: 'cn-contest-head-slot' });
  const body = el('div', { class: 'cn-contest-body' });
  ctx.root.append(headSlot);
  const loading = el('p', { class: 'loading' }, 'Loading the contest…');
  headSlot.append(loading);
  let c;
  try {
    c = await fetchContest(id, ctx.signal);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    clear(headSlot).append(el('h1', {}, `Contest ${id}`), tabBar(id, opts.tab));
    showError(body, e);
    ctx.root.append(body);
    return null;
  }
  liveToasts(ctx, id);
  let stopCountdown = null, lastState = null, zeroTries = 0, zeroTimer = null;
  ctx.onCleanup(() => { if (stopCountdown) stopCountdown(); clearTimeout(zeroTimer); });
  const handle = { contest: c, body };

  const render = () => {
    if (stopCountdown) { stopCountdown(); stopCountdown = null; }
    const st = stateInfo(c);
    const cd = st.target ? el('span', { class: 'countdown', role: 'timer', 'data-testid': 'countdown' }) : null;
    const fz = opts.freezeInBody && (c.state === 'frozen' || c.state === 'ended') ? null : freezeText(c);
    const meta = el('p', { class: 'cn-contest-meta muted' },
      `${fmtTime(c.start_time)} – ${fmtTime(c.end_time)} · ${fmtDuration(c.duration_s)} · ${scoringName(c.scoring)}`,
      c.scoring === 'icpc' && c.penalty_min !== undefined ? ` · ${c.penalty_min} min per rejected attempt` : '',
      typeof c.contestants === 'number' ? ` · ${c.contestants} registered` : '');
    const reg = opts.register === false ? null : registerControl(ctx, c, (nc) => { handle.update(nc); });
    clear(headSlot).append(
      el('header', { class: 'cn-contest-head' },
        el('div', { class: 'spread' },
          el('h1', {}, c.title),
          el('div', { class: 'cn-contest-status' },
            el('span', { class: `badge badge-${st.cls}`, 'data-testid': 'contest-state' }, st.words),
            cd)),
        meta,
        fz ? el('p', { class: 'cn-freeze-info' }, '❄ ', fz) : null,
        c.registered ? el('p', { class: 'cn-registered-note' }, '✓ You are registered.') : null,
        reg),
      tabBar(id, opts.tab));
    if (c.state !== lastState) { lastState = c.state; zeroTries = 0; }
    // At zero the state changes on the server; ask again (backing off) until it has.
    if (cd) stopCountdown = countdown(cd, st.target, st.prefix, () => {
      if (zeroTries >= 6) return;
      zeroTries++;
      zeroTimer = setTimeout(handle.refresh, 700 * zeroTries);
    });
  };
  handle.update = (nc) => {
    if (nc.server_time) syncClock(nc.server_time);
    if (nc.registered === undefined) nc.registered = c.registered; // events omit it
    Object.keys(c).forEach((k) => { if (!(k in nc)) delete c[k]; });
    Object.assign(c, nc);
    render();
    opts.onContest && opts.onContest(c);
  };
  handle.refresh = async () => {
    try {
      handle.update(await fetchContest(id, ctx.signal));
    } catch (e) {
      if (e.name !== 'AbortError') toast(`Could not refresh the contest: ${e.message}`, 'error');
    }
  };
  render();
  ctx.root.append(body);

  const stop = subscribe(`contest/${id}`, {
    onEvent(ev) {
      if (ctx.signal.aborted) return;
      if (ev.type === 'contest' && ev.data) {
        const nc = Object.assign({}, ev.data);
        delete nc.server_time; // the clock when the event happened (maybe a replay): not now
        handle.update(nc);
      }
      opts.onEvent && opts.onEvent(ev);
    },
    onSubscribed() { if (!ctx.signal.aborted && opts.onSubscribed) opts.onSubscribed(); },
    onError(err) { if (!ctx.signal.aborted) toast(`Live updates for this contest failed: ${err.message || err.code}`, 'error'); },
  });
  ctx.onCleanup(stop);
  return handle;
}

// A loading line that is replaced by content or by the API's error.
export function section(title, testid) {
  const box = el('section', { class: 'cn-contest-section', 'data-testid': testid || null },
    title ? el('h2', {}, title) : null);
  const slot = el('div', {}, el('p', { class: 'loading' }, 'Loading…'));
  box.append(slot);
  return { box, slot };
}
