// problems.js — the problem archive (/problems), one problem (/problems/:id), and
// renderStatement(), which the contest pages reuse for their problem pages.
import { api, user } from '../api.js';
import {
  el, clear, link, errorBox, setTitle, table, renderMath, copyButton, pager, signInLink, fmtTimeLimit, fmtMemory,
} from '../ui.js';
import { submitForm } from '../submit.js';
import { submissionsTable, posInt } from './submissions.js';

function tagList(tags) {
  if (!tags || !tags.length) return el('span', { class: 'muted' }, '—');
  return el('ul', { class: 'ct-tags', 'aria-label': 'Tags' }, tags.map((t) => el('li', { class: 'ct-tag' }, t)));
}

// ---- the statement ----------------------------------------------------------------------------
// renderStatement(problem) → <article>: title, limits, the server-rendered statement (with
// KaTeX math), and the samples with copy buttons.
export function renderStatement(problem) {
  const art = el('article', { class: 'ct-problem', 'aria-labelledby': `ct-title-${problem.id}` });
  art.append(el('h1', { id: `ct-title-${problem.id}` }, problem.title || `Problem ${problem.id}`));

  const limits = el('p', { class: 'limits' },
    el('span', {}, el('strong', {}, 'Time limit: '), fmtTimeLimit(problem.time_limit_ms)),
    el('span', {}, el('strong', {}, 'Memory limit: '), fmtMemory(problem.memory_limit_kb)),
    problem.output_limit_kb ? el('span', {}, el('strong', {}, 'Output limit: '), fmtMemory(problem.output_limit_kb)) : null);
  art.append(limits);
  if (problem.tags && problem.tags.length) art.append(el('div', { class: 'ct-tagline' }, el('span', { class: 'sr-only' }, 'Tags: '), tagList(problem.tags)));

  const body = el('div', { class: 'statement', trustedHtml: problem.statement_html || '' });
  // Packages usually repeat the title as the statement's first heading: drop the duplicate.
  const first = body.firstElementChild;
  if (first && /^H[1-2]$/.test(first.tagName) && first.textContent.trim() === (problem.title || '').trim()) first.remove();
  if (!body.textContent.trim() && !body.querySelector('img')) {
    body.append(el('p', { class: 'muted' }, 'This problem has no statement text.'));
  }
  renderMath(body);
  art.append(body);

  const samples = problem.samples || [];
  if (samples.length) {
    const sec = el('section', { class: 'ct-samples', 'aria-label': 'Samples' }, el('h2', {}, samples.length > 1 ? 'Samples' : 'Sample'));
    samples.forEach((s, i) => {
      const n = i + 1;
      const part = (what, text) => el('div', { class: 'ct-sample-part' },
        el('div', { class: 'spread' },
          el('h3', { class: 'ct-sample-title' }, `Sample ${n} ${what}`),
          copyButton(() => text, `Copy ${what}`)),
        el('pre', { class: 'ct-sample-pre', 'data-testid': `sample-${n}-${what}` }, text === '' ? '\u200b' : text));
      sec.append(el('div', { class: 'sample' }, part('input', s.input || ''), part('output', s.output || '')));
    });
    art.append(sec);
  }
  return art;
}

// ---- /problems ---------------------------------------------------------------------------------
const PER_PAGE_DEFAULT = 20;

function pageHref(q, page, per) {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (page > 1) p.set('page', String(page));
  if (per !== PER_PAGE_DEFAULT) p.set('per_page', String(per));
  const s = p.toString();
  return '/problems' + (s ? '?' + s : '');
}

export async function problemsList(ctx) {
  const q = (ctx.query.get('q') || '').trim();
  const page = posInt(ctx.query.get('page'), 1);
  const per = posInt(ctx.query.get('per_page'), PER_PAGE_DEFAULT, 200);
  setTitle(q ? `Problems matching “${q}”` : 'Problems');

  const input = el('input', { type: 'search', name: 'q', id: 'problem-search', value: q, placeholder: 'Title or tag', autocomplete: 'off' });
  const form = el('form', { class: 'ct-search', role: 'search', 'aria-label': 'Problems' },
    el('label', { for: 'problem-search' }, 'Search problems'),
    el('div', { class: 'row' }, input, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Search'),
      q ? link('/problems', 'Clear search') : null));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(pageHref(input.value.trim(), 1, per));
  });
  const status = el('p', { class: 'ct-count', role: 'status' }, el('span', { class: 'loading' }, 'Loading problems…'));
  const results = el('div', { class: 'ct-results' });
  ctx.root.append(el('h1', {}, 'Problems'), form, status, results);

  const params = new URLSearchParams({ page: String(page), per_page: String(per) });
  if (q) params.set('q', q);
  let r;
  try {
    r = await api('GET', '/api/v1/problems?' + params, undefined, { signal: ctx.signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    clear(status);
    results.append(errorBox(err, el('div', {}, el('a', { href: location.pathname + location.search }, 'Reload the page'), ' to try again.')));
    return;
  }
  const items = r.items || [];
  const total = typeof r.total === 'number' ? r.total : items.length;
  const pages = Math.max(1, Math.ceil(total / per));
  clear(status).append(
    total === 0 ? (q ? `No problem matches “${q}”.` : 'There are no problems yet.')
      : `${total} problem${total === 1 ? '' : 's'}${q ? ` matching “${q}”` : ''}` +
        (pages > 1 ? ` · showing ${(page - 1) * per + 1}–${Math.min(total, page * per)}` : ''));
  if (!items.length) {
    if (total > 0) results.append(el('p', {}, 'This page is past the end. ', link(pageHref(q, 1, per), 'Go to the first page'), '.'));
    return;
  }
  const rows = items.map((p) => el('tr', {},
    el('td', { 'data-label': 'Problem', class: 'ct-ptitle' }, link(`/problems/${encodeURIComponent(p.id)}`, p.title || `Problem ${p.id}`)),
    el('td', { class: 'num', 'data-label': 'Time limit' }, fmtTimeLimit(p.time_limit_ms)),
    el('td', { class: 'num', 'data-label': 'Memory limit' }, fmtMemory(p.memory_limit_kb)),
    el('td', { 'data-label': 'Tags' }, tagList(p.tags))));
  results.append(table(['Problem', 'Time limit', 'Memory limit', 'Tags'], rows, { class: 'ct-problems-table', caption: el('span', { class: 'sr-only' }, 'Problems') }));
  const nav = pager(page, pages, (n) => ctx.navigate(pageHref(q, n, per)), { label: 'Problem pages' });
  if (nav) results.append(nav);
}

// ---- /problems/:id -------------------------------------------------------------------------------
export async function problemPage(ctx) {
  const id = ctx.params.id;
  setTitle(`Problem ${id}`);
  const loading = el('p', { class: 'loading', role: 'status' }, 'Loading the problem…');
  ctx.root.append(el('p', { class: 'ct-crumbs' }, link('/problems', '← All problems')), loading);
  let p;
  try {
    p = await api('GET', `/api/v1/problems/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    loading.replaceWith(el('h1', {}, `Problem ${id}`), errorBox(err));
    return;
  }
  setTitle(p.title);
  const layout = el('div', { class: 'ct-problem-layout' });
  layout.append(el('div', { class: 'card ct-statement-card' }, renderStatement(p)));

  const side = el('section', { class: 'card ct-submit-card', 'aria-labelledby': 'ct-submit-h' }, el('h2', { id: 'ct-submit-h' }, 'Submit a solution'));
  if (user()) {
    side.append(submitForm(ctx, { problemId: p.id }));
    const mine = el('div', { class: 'ct-recent' });
    side.append(el('h3', {}, 'Your recent submissions'), mine);
    loadRecent(ctx, p, mine);
  } else {
    const signIn = signInLink('Sign in to submit');
    signIn.className = 'btn btn-primary';
    side.append(el('p', {}, signIn, ' ', el('span', { class: 'muted' }, 'No account? '),
      link('/signup?next=' + encodeURIComponent(location.pathname + location.search), 'Sign up'), '.'));
  }
  layout.append(side);
  loading.replaceWith(layout);
}

async function loadRecent(ctx, p, box) {
  const me = user();
  box.append(el('p', { class: 'loading' }, 'Loading…'));
  try {
    const r = await api('GET', `/api/v1/submissions?problem_id=${encodeURIComponent(p.id)}&user_id=${encodeURIComponent(me.id)}&per_page=5`, undefined, { signal: ctx.signal });
    clear(box);
    const items = r.items || [];
    if (!items.length) { box.append(el('p', { class: 'muted' }, 'None yet.')); return; }
    box.append(submissionsTable(items, { showProblem: false, compact: true }));
    if ((r.total || 0) > items.length) box.append(el('p', {}, link('/submissions', 'All your submissions')));
  } catch (err) {
    if (err.name === 'AbortError') return;
    clear(box).append(errorBox(err));
  }
}
