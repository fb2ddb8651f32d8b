// contests_common.js — what every contest page shares: the contest header (title, state,
// countdown, freeze info, registration), the tab bar, problem titles, one live subscription
// per page and the app-wide announcement/answer toasts.
import { api, user, isJury } from '../api.js';
import { subscribe } from '../live.js';
import {
  el, link, errorBox, toast, syncClock, now, countdown, fmtTime, fmtDuration, busy, latest, signInLink, contestState, scoringName,
} from '../ui.js';
import { problemTitles } from '../data.js';

export const contestPath = (id, rest = '') => `/contests/${encodeURIComponent(id)}${rest}`;

// Clock time of an ISO instant: "14:00" today, a full date otherwise.
export function clockTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return String(iso || '');
  const today = new Date(now());
  if (d.toDateString() === today.toDateString()) return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  return fmtTime(iso);
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

// ---- problem titles ---------------------------------------------------------------------------
// {problem_id: title} for the contest's problems (data.js caches them; failures are retried).
export const contestTitles = (c) => problemTitles((c.problems || []).map((p) => p.problem_id));
export const problemName = (p, titles) => (titles && titles[p.problem_id] ? `${p.label}. ${titles[p.problem_id]}` : `Problem ${p.label}`);

// ---- focus ------------------------------------------------------------------------------------
// Runs `redraw` (which rebuilds part of `box`) and, when keyboard focus was inside `box` and
// its element is gone, puts it on the equivalent new element (same link / pager button).
const focusKey = (n) => n.tagName + '|' + (n.getAttribute('data-rel') || n.getAttribute('href') || n.id || n.textContent.trim());
export function keepFocus(box, redraw) {
  const a = document.activeElement;
  if (!a || a === document.body || !box.contains(a)) return redraw();
  const key = focusKey(a);
  const r = redraw();
  if (!a.isConnected || !box.contains(a)) {
    const cands = [...box.querySelectorAll(a.tagName)];
    let same = cands.find((n) => focusKey(n) === key && !n.disabled);
    if (!same && a.getAttribute('data-rel')) same = box.querySelector('[data-rel]:not([disabled])');
    if (same) same.focus({ preventScroll: true });
  }
  return r;
}

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
export const needsRegistration = (c) => !(c.registered || c.state === 'ended' || c.state === 'finalized');
export function registerControl(ctx, c, onRegistered) {
  if (!needsRegistration(c)) return null;
  if (!user()) {
    return el('p', { class: 'cn-register' }, signInLink('Sign in to register'),
      el('span', { class: 'muted' }, ' for this contest to submit and ask questions.'));
  }
  if (isJury()) return null; // staff submit without registering and are not on the board
  const errs = el('div', { class: 'cn-register-errors' });
  const btn = el('button', { type: 'button', class: 'btn btn-primary' }, 'Register for this contest');
  btn.addEventListener('click', () => busy(btn, errs, async () => {
    await api('POST', `/api/v1/contests/${encodeURIComponent(c.id)}/register`, undefined, { signal: ctx.signal });
    c.registered = true;
    toast(`You are registered for ${c.title}.`, 'info');
    if (onRegistered) onRegistered(c);
  }));
  return el('div', { class: 'cn-register' }, btn, errs);
}

export async function fetchContest(id, signal) {
  const c = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}`, undefined, { signal });
  if (c.server_time) syncClock(c.server_time);
  return c;
}

// What the header shows, so an update that changes nothing redraws nothing.
const contestSig = (c) => JSON.stringify(Object.keys(c).filter((k) => k !== 'server_time').sort().map((k) => [k, c[k]]));

// Renders the header + tabs into ctx.root and keeps them current (updated in place, so keyboard
// focus on the tabs or the Register button survives live updates). Returns
//   {contest, body, update(c), refresh()}
// `body` is where the page draws; it gets data-subscribed="true" once the live subscription is
// confirmed (and "false" while the socket is down). opts: {tab, register: true|false,
// onContest(c), onEvent(ev), onSubscribed(), freezeInBody: the page shows the freeze itself}
// — one live subscription to contest/<id> serves the header and the page.
export async function mountContest(ctx, opts) {
  const id = ctx.params.id;
  const headSlot = el('div', { class: 'cn-contest-head-slot' });
  const body = el('div', { class: 'cn-contest-body', 'data-subscribed': 'false' });
  ctx.root.append(headSlot);
  const loading = el('p', { class: 'loading' }, 'Loading the contest…');
  headSlot.append(loading);
  let c;
  try {
    c = await fetchContest(id, ctx.signal);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    headSlot.replaceChildren(el('h1', {}, `Contest ${id}`), tabBar(id, opts.tab));
    body.append(errorBoxFor(e));
    ctx.root.append(body);
    return null;
  }
  let stopCountdown = null, cdKey = null, lastState = null, zeroTries = 0, zeroTimer = null, sig = null, gen = 0;
  ctx.onCleanup(() => { if (stopCountdown) stopCountdown(); clearTimeout(zeroTimer); });
  const handle = { contest: c, body };

  // the header's parts, made once and updated in place
  const h1 = el('h1', { tabindex: '-1' });
  const badge = el('span', { class: 'badge', 'data-testid': 'contest-state' });
  const cd = el('span', { class: 'countdown', role: 'timer', 'data-testid': 'countdown', hidden: true });
  const meta = el('p', { class: 'cn-contest-meta muted' });
  const fzLine = el('p', { class: 'cn-freeze-info', hidden: true });
  const regNote = el('p', { class: 'cn-registered-note', tabindex: '-1', hidden: true }, '✓ You are registered.');
  const regSlot = el('div', {});
  let regCtl = null;
  headSlot.replaceChildren(
    el('header', { class: 'cn-contest-head' },
      el('div', { class: 'spread' }, h1, el('div', { class: 'cn-contest-status' }, badge, cd)),
      meta, fzLine, regNote, regSlot),
    tabBar(id, opts.tab));

  const setText = (n, text) => { if (n.textContent !== text) n.textContent = text; };
  const render = () => {
    const st = contestState(c);
    setText(h1, c.title);
    badge.className = `badge badge-${st.cls}`;
    setText(badge, st.words);
    setText(meta, `${fmtTime(c.start_time)} – ${fmtTime(c.end_time)} · ${fmtDuration(c.duration_s)} · ${scoringName(c.scoring)}` +
      (c.scoring === 'icpc' && c.penalty_min !== undefined ? ` · ${c.penalty_min} min per rejected attempt` : '') +
      (typeof c.contestants === 'number' ? ` · ${c.contestants} registered` : ''));
    const fz = opts.freezeInBody && (c.state === 'frozen' || c.state === 'ended') ? null : freezeText(c);
    fzLine.hidden = !fz;
    setText(fzLine, fz ? '❄ ' + fz : '');
    regNote.hidden = !c.registered;
    // the Register control stays the same element while it is needed
    const wantReg = opts.register !== false && needsRegistration(c);
    if (wantReg && !regCtl) {
      regCtl = registerControl(ctx, c, () => handle.update(c));
      if (regCtl) regSlot.append(regCtl);
    } else if (!wantReg && regCtl) {
      const hadFocus = regCtl.contains(document.activeElement);
      regCtl.remove();
      regCtl = null;
      if (hadFocus) (c.registered ? regNote : h1).focus({ preventScroll: true });
    }
    if (c.state !== lastState) { lastState = c.state; zeroTries = 0; }
    // the countdown restarts only when what it counts to changes
    const key = st.target ? st.target + '|' + st.prefix : null;
    if (key !== cdKey) {
      cdKey = key;
      if (stopCountdown) { stopCountdown(); stopCountdown = null; }
      cd.hidden = !st.target;
      if (st.target) {
        // At zero the state changes on the server; ask again (backing off) until it has.
        stopCountdown = countdown(cd, st.target, st.prefix, () => {
          if (zeroTries >= 6) return;
          zeroTries++;
          clearTimeout(zeroTimer);
          zeroTimer = setTimeout(handle.refresh, 700 * zeroTries);
        });
      } else cd.textContent = '';
    }
  };
  handle.update = (nc) => {
    if (nc.server_time) syncClock(nc.server_time);
    if (nc !== c) {
      if (nc.registered === undefined) nc.registered = c.registered; // events omit it
      Object.keys(c).forEach((k) => { if (!(k in nc)) delete c[k]; });
      Object.assign(c, nc);
    }
    const s = contestSig(c);
    if (s === sig) return;
    sig = s;
    render();
    if (opts.onContest) opts.onContest(c);
  };
  // A GET answered after a newer live event (or a newer GET) is dropped.
  handle.refresh = latest(async (fresh) => {
    const g = gen;
    try {
      const nc = await fetchContest(id, ctx.signal);
      if (fresh() && g === gen) handle.update(nc);
    } catch (e) {
      if (e.name !== 'AbortError' && fresh()) toast(`Could not refresh the contest: ${e.message}`, 'error');
    }
  });
  const refreshSoon = debounced(ctx, handle.refresh, 250);
  sig = contestSig(c);
  render();
  ctx.root.append(body);

  const onLive = (e) => { if (e.detail !== 'live') body.dataset.subscribed = 'false'; };
  window.addEventListener('gavel:live', onLive);
  ctx.onCleanup(() => window.removeEventListener('gavel:live', onLive));
  // the page's handler first: it is the one whose onSubscribed must wait for the server
  const stop = subscribe(`contest/${id}`, {
    onEvent(ev) {
      if (ctx.signal.aborted) return;
      if (ev.type === 'contest' && ev.data) {
        gen++;
        const nc = Object.assign({}, ev.data);
        delete nc.server_time; // the clock when the event happened (maybe a replay): not now
        handle.update(nc);
      }
      if (opts.onEvent) opts.onEvent(ev);
    },
    onSubscribed() {
      if (ctx.signal.aborted) return;
      refreshSoon(); // a change between the first GET and the subscription is not lost
      if (opts.onSubscribed) opts.onSubscribed();
      body.dataset.subscribed = 'true';
    },
    onError(err) { if (!ctx.signal.aborted) toast(`Live updates for this contest failed: ${err.message || err.code}`, 'error'); },
  });
  ctx.onCleanup(stop);
  liveToasts(ctx, id);
  return handle;
}

// The API's error as an error box; `prefix` says what failed, `retry` adds a Retry button.
export function errorBoxFor(e, prefix, retry) {
  const err = prefix ? { message: `${prefix}: ${e.message}`, code: e.code, status: e.status } : e;
  return errorBox(err, retry ? el('button', { type: 'button', class: 'btn btn-small cn-retry', onclick: retry }, 'Retry') : null);
}
