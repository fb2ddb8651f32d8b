// main.js — the app shell: routes, the header, page life cycle.
//
// A page is `export async function name(ctx)` in js/pages/*.js, where ctx is
//   {root, params, query, navigate(path, {replace}), onCleanup(fn), signal}
// It renders into ctx.root (already empty) and registers cleanups (live subscriptions,
// timers) with ctx.onCleanup; they run when the user leaves the page. ctx.signal aborts
// when the page is left, so late answers never draw over the next page.
import { api, session, setSession, user, isJury, isAdmin } from './api.js';
import { liveState } from './live.js';
import { el, clear, errorBox, link } from './ui.js';

// [pattern, module, export, {auth, jury, admin}]
const ROUTES = [
  ['/', 'contests.js', 'contestsList'],
  ['/signin', 'auth.js', 'signIn'],
  ['/signup', 'auth.js', 'signUp'],
  ['/problems', 'problems.js', 'problemsList'],
  ['/problems/:id', 'problems.js', 'problemPage'],
  ['/submissions', 'submissions.js', 'mySubmissions', { auth: true }],
  ['/submissions/:id', 'submissions.js', 'submissionPage', { auth: true }],
  ['/contests', 'contests.js', 'contestsList'],
  ['/contests/:id', 'contests.js', 'contestPage'],
  ['/contests/:id/problems/:label', 'contests.js', 'contestProblem'],
  ['/contests/:id/scoreboard', 'contests.js', 'contestScoreboard'],
  ['/contests/:id/clarifications', 'contests.js', 'contestClarifications'],
  ['/contests/:id/submissions', 'contests.js', 'contestSubmissions', { auth: true }],
  ['/admin', 'admin.js', 'adminHome', { jury: true }],
  ['/admin/contests/new', 'admin.js', 'contestEdit', { admin: true }],
  ['/admin/contests/:id', 'admin.js', 'contestEdit', { admin: true }],
  ['/admin/contests/:id/clarifications', 'admin.js', 'juryClarifications', { jury: true }],
  ['/admin/problems/new', 'admin.js', 'problemEdit', { jury: true }],
  ['/admin/problems/:id', 'admin.js', 'problemEdit', { jury: true }],
  ['/admin/import', 'admin.js', 'importPackage', { jury: true }],
  ['/admin/rejudge', 'admin.js', 'rejudge', { admin: true }],
  ['/admin/judges', 'admin.js', 'judges', { admin: true }],
];

function match(path) {
  const parts = path.replace(/\/+$/, '').split('/').filter(Boolean);
  for (const [pattern, mod, fn, opts] of ROUTES) {
    const pp = pattern.split('/').filter(Boolean);
    if (pp.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < pp.length && ok; i++) {
      if (pp[i].startsWith(':')) {
        try { params[pp[i].slice(1)] = decodeURIComponent(parts[i]); } catch (_) { return null; } // malformed %-escape
      }
      else ok = pp[i] === parts[i];
    }
    if (ok) return { mod, fn, params, opts: opts || {} };
  }
  return null;
}

// The build's version (`?v=<hash>` on this module's URL): page modules are loaded with it
// too, so an open tab never mixes modules of two builds (build.sh versions static imports).
const VERSION = new URL(import.meta.url).search;

let cleanups = [], controller = null, seq = 0, firstRoute = true;

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

async function route() {
  const my = ++seq, initial = firstRoute;
  firstRoute = false;
  for (const f of cleanups.splice(0)) { try { f(); } catch (_) { /* keep going */ } }
  if (controller) controller.abort();
  controller = new AbortController();
  renderNav();
  const root = clear(document.getElementById('main'));
  const m = match(location.pathname);
  if (!m) {
    root.append(el('h1', {}, 'Page not found'),
      el('p', {}, 'There is no page at ', el('code', {}, location.pathname), '. ', link('/contests', 'Go to the contests'), '.'));
    return;
  }
  if ((m.opts.auth || m.opts.jury || m.opts.admin) && !session()) {
    navigate('/signin?next=' + encodeURIComponent(location.pathname + location.search), { replace: true });
    return;
  }
  if ((m.opts.jury && !isJury()) || (m.opts.admin && !isAdmin())) {
    root.append(el('h1', {}, 'Not allowed'),
      errorBox({ message: `This page is for ${m.opts.admin ? 'admins' : 'the jury'}; you are signed in as ${user().username} (${user().role}).` }));
    return;
  }
  const ctx = {
    root, params: m.params, query: new URLSearchParams(location.search), navigate,
    onCleanup: (f) => cleanups.push(f), signal: controller.signal,
  };
  try {
    const mod = await import(`./pages/${m.mod}${VERSION}`);
    if (my !== seq) return;
    await mod[m.fn](ctx);
  } catch (e) {
    if (e.name === 'AbortError' || my !== seq) return;
    console.error(e);
    root.append(errorBox(e));
  }
  // After an in-app navigation, focus moves to the new page's content (as a page load would
  // put a screen reader there); the first load leaves focus at the top, before the skip link.
  if (my === seq && !initial && !root.contains(document.activeElement)) root.focus({ preventScroll: true });
}

function renderNav() {
  const ul = clear(document.getElementById('nav-links'));
  const u = user();
  const item = (href, text) => {
    const a = link(href, text);
    if (location.pathname === href || (href !== '/' && location.pathname.startsWith(href + '/'))) a.setAttribute('aria-current', 'page');
    return el('li', {}, a);
  };
  ul.append(item('/contests', 'Contests'), item('/problems', 'Problems'));
  if (u) ul.append(item('/submissions', 'My submissions'));
  if (isJury()) ul.append(item('/admin', 'Admin'));
  ul.append(el('li', { class: 'live-state', title: 'Live updates', id: 'live-state' }));
  renderLiveState();
  if (u) {
    ul.append(el('li', { class: 'who' }, el('span', { class: 'muted' }, 'Signed in as '), el('strong', { 'data-testid': 'whoami' }, u.username)),
      el('li', {}, el('button', { type: 'button', class: 'btn btn-small', id: 'signout', onclick: signOut }, 'Sign out')));
  } else {
    ul.append(item('/signin', 'Sign in'), item('/signup', 'Sign up'));
  }
}

// The live indicator changes in place, so keyboard focus in the header is never lost.
function renderLiveState() {
  const li = document.getElementById('live-state');
  if (!li) return;
  const ls = liveState();
  clear(li).append(el('span', { class: `dot dot-${ls}`, 'aria-hidden': 'true' }),
    ls === 'live' ? 'Live' : ls === 'connecting' ? 'Reconnecting…' : '');
}

async function signOut() {
  try { await api('POST', '/api/v1/auth/logout', undefined, { keepSession: true }); } catch (_) { /* tokens expire anyway */ }
  setSession(null);
  navigate('/');
}

document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a[data-link]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.origin !== location.origin) return;
  e.preventDefault();
  document.getElementById('nav-links').classList.remove('open');
  document.querySelector('.menu-toggle').setAttribute('aria-expanded', 'false');
  navigate(a.pathname + a.search + a.hash);
});
window.addEventListener('popstate', route);
window.addEventListener('gavel:session', renderNav);
window.addEventListener('gavel:live', renderLiveState);
document.querySelector('.menu-toggle').addEventListener('click', (e) => {
  const open = document.getElementById('nav-links').classList.toggle('open');
  e.currentTarget.setAttribute('aria-expanded', String(open));
});

// Check a stored session once per load: a token from a wiped cluster is dropped quietly.
(async () => {
  if (session()) {
    try {
      const me = await api('GET', '/api/v1/users/me');
      const s = session();
      if (s) { s.user = Object.assign({}, s.user, me); localStorage.setItem('gavel.session', JSON.stringify(s)); }
    } catch (_) { /* api() already dropped a 401 session */ }
  }
  route();
})();
