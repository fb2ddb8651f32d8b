// admin.js — the jury/admin pages. The home page lives here; the others are split into
// admin_*.js modules and re-exported, so main.js only needs to know this file.
import { api, isAdmin } from '../api.js';
import {
  el, link, table, setTitle, fmtTime, showError, clear, field, latest, pager, contestState, scoringName,
  fmtTimeLimit, fmtMemory, syncClock,
} from '../ui.js';

export { contestEdit } from './admin_contest.js';
export { problemEdit, importPackage } from './admin_problem.js';
export { rejudge, judges } from './admin_ops.js';
export { juryClarifications } from './admin_clar.js';

const PER_PAGE = 20;

// /admin — every admin page, the contests and the problems.
export async function adminHome(ctx) {
  setTitle('Admin');
  const admin = isAdmin();
  const actions = el('ul', { class: 'admin-actions', 'aria-label': 'Admin pages' },
    admin ? el('li', {}, link('/admin/contests/new', '+ New contest')) : null,
    el('li', {}, link('/admin/problems/new', '+ New problem')),
    el('li', {}, link('/admin/import', '⇪ Import package')),
    admin ? el('li', {}, link('/admin/judges', '⚙ Judges')) : null,
    admin ? el('li', {}, link('/admin/rejudge', '↻ Rejudge')) : null);
  ctx.root.append(el('h1', {}, 'Admin'),
    el('nav', { class: 'card', 'aria-label': 'Admin pages' }, actions,
      admin ? null : el('p', { class: 'muted' }, 'Contests, judges and rejudging are for admins; as jury you edit problems and answer clarifications.')));

  // Contests
  const cSlot = el('div', {}, el('p', { class: 'loading' }, 'Loading contests…'));
  ctx.root.append(el('section', { 'aria-labelledby': 'adm-contests' },
    el('div', { class: 'spread' }, el('h2', { id: 'adm-contests' }, 'Contests'),
      admin ? link('/admin/contests/new', 'New contest') : null),
    cSlot));
  // Problems
  const q = el('input', { type: 'search', name: 'q', value: ctx.query.get('q') || '', placeholder: 'Title or tag' });
  const searchBtn = el('button', { type: 'submit', class: 'btn' }, 'Search');
  const pSlot = el('div', {}, el('p', { class: 'loading' }, 'Loading problems…'));
  const form = el('form', { class: 'row search-row', role: 'search' }, field('Search problems', q), searchBtn);
  ctx.root.append(el('section', { 'aria-labelledby': 'adm-problems' },
    el('div', { class: 'spread' }, el('h2', { id: 'adm-problems' }, 'Problems'),
      el('div', { class: 'row' }, link('/admin/problems/new', 'New problem'), link('/admin/import', 'Import package'))),
    form, pSlot));

  loadContests(ctx, cSlot, admin);
  let page = Math.max(1, Number(ctx.query.get('page')) || 1);
  // Numbered loads: paging while a search is still answering never draws the older page.
  const load = latest(async (fresh) => {
    const params = new URLSearchParams();
    if (q.value.trim()) params.set('q', q.value.trim());
    if (page > 1) params.set('page', page);
    history.replaceState(null, '', '/admin' + (params.toString() ? '?' + params : ''));
    params.set('per_page', PER_PAGE);
    if (!params.has('page')) params.set('page', 1);
    const shown = page;
    pSlot.setAttribute('aria-busy', 'true');
    try {
      const r = await api('GET', '/api/v1/problems?' + params, undefined, { signal: ctx.signal });
      if (!fresh()) return;
      renderProblems(pSlot, r, shown, (p) => { page = p; load(); });
    } catch (e) {
      if (e.name !== 'AbortError' && fresh()) showError(pSlot, e);
    } finally {
      if (fresh()) pSlot.removeAttribute('aria-busy');
    }
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load(); });
  await load();
}

async function loadContests(ctx, slot, admin) {
  try {
    const r = await api('GET', '/api/v1/contests?per_page=1000', undefined, { signal: ctx.signal });
    if (r && r.server_time) syncClock(r.server_time);
    const items = (r && r.items) || [];
    clear(slot);
    if (!items.length) {
      slot.append(el('p', { class: 'muted' }, 'No contests yet. ', admin ? link('/admin/contests/new', 'Create one') : null));
      return;
    }
    const rows = items.slice().sort((a, b) => Number(b.id) - Number(a.id)).map((c) => el('tr', { 'data-testid': `contest-row-${c.id}` },
      el('td', { class: 'num' }, c.id),
      el('td', {}, link(`/contests/${c.id}`, c.title)),
      el('td', {}, contestState(c).words),
      el('td', {}, fmtTime(c.start_time)),
      el('td', {}, c.scoring ? scoringName(c.scoring) : '—'),
      el('td', { class: 'actions' },
        admin ? link(`/admin/contests/${c.id}`, 'Edit', el('span', { class: 'sr-only' }, ` ${c.title}`)) : null,
        link(`/admin/contests/${c.id}/clarifications`, 'Clarifications', el('span', { class: 'sr-only' }, ` of ${c.title}`)),
        link(`/contests/${c.id}/scoreboard`, 'Scoreboard', el('span', { class: 'sr-only' }, ` of ${c.title}`)))));
    slot.append(table(['#', 'Title', 'State', 'Start', 'Scoring', 'Actions'], rows, { class: 'admin-table' }));
  } catch (e) {
    if (e.name !== 'AbortError') showError(slot, e);
  }
}

function renderProblems(slot, r, page, go) {
  // A pager button that had focus keeps it on the new page (or its enabled twin).
  const a = document.activeElement;
  const rel = a && slot.contains(a) ? a.getAttribute('data-rel') : null;
  clear(slot);
  const items = (r && r.items) || [];
  const total = (r && r.total) || 0;
  if (!items.length) {
    slot.append(el('p', { class: 'muted' }, total ? 'No problems on this page.' : 'No problems match.'));
  } else {
    const rows = items.map((p) => el('tr', { 'data-testid': `problem-row-${p.id}` },
      el('td', { class: 'num' }, p.id),
      el('td', {}, link(`/problems/${p.id}`, p.title)),
      el('td', { class: 'num' }, fmtTimeLimit(p.time_limit_ms)),
      el('td', { class: 'num' }, fmtMemory(p.memory_limit_kb)),
      el('td', {}, (p.tags || []).join(', ') || '—'),
      el('td', { class: 'actions' }, link(`/admin/problems/${p.id}`, 'Edit', el('span', { class: 'sr-only' }, ` ${p.title}`)))));
    slot.append(table(['#', 'Title', 'Time', 'Memory', 'Tags', 'Actions'], rows, { class: 'admin-table' }));
  }
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const count = `${total} problem${total === 1 ? '' : 's'}`;
  slot.append(pager(page, pages, go, { label: 'Problem pages', extra: el('span', { class: 'muted' }, `(${count})`) })
    || el('p', { class: 'muted' }, count));
  if (rel) {
    const b = slot.querySelector(`.pager [data-rel="${rel}"]:not(:disabled)`) || slot.querySelector('.pager button:not(:disabled)');
    if (b) b.focus();
  }
}
