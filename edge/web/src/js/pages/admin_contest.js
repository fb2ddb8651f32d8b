// admin_contest.js — /admin/contests/new and /admin/contests/:id (admin): the contest form,
// its problem list editor, thaw and finalize.
import { api } from '../api.js';
import { problemTitle } from '../data.js';
import {
  el, link, field, showError, clear, setTitle, fmtTime, errorBox, busy, latest, contestState, scoringName, syncClock,
} from '../ui.js';
import {
  saveResource, confirmAction, note, parseMinutes, minutesText, localInputValue, localToRfc3339,
  timezoneText, hhmmss,
} from './admin_util.js';

// The scoring rules' names come from ui.scoringName; only the one-line explanations are ours.
const SCORING = [
  ['icpc', 'problems solved, then penalty time'],
  ['ioi', 'points per subtask, best result counts'],
  ['cf', 'points decay with time and attempts'],
];
const DEFAULT_POINTS = { icpc: 1, ioi: 100, cf: 500 };

export async function contestEdit(ctx) {
  const id = ctx.params.id || null;
  setTitle(id ? `Edit contest ${id}` : 'New contest');
  const head = el('div', {}, el('p', {}, link('/admin', '← Admin')));
  ctx.root.append(head);
  let contest = null;
  if (id) {
    const loading = el('p', { class: 'loading' }, 'Loading the contest…');
    ctx.root.append(loading);
    try {
      contest = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
      if (contest.server_time) syncClock(contest.server_time);
    } catch (e) {
      if (e.name === 'AbortError') return;
      loading.replaceWith(el('h1', {}, `Contest ${id}`), errorBox(e));
      return;
    }
    loading.remove();
  }
  ctx.root.append(el('h1', {}, id ? `Edit contest: ${contest.title}` : 'New contest'));
  if (id && ctx.query.get('created')) {
    ctx.root.append(note(el('strong', {}, 'Contest created. '), `It has id ${id}. `,
      link(`/contests/${id}`, 'Open the contest page'), '.'));
    history.replaceState(null, '', `/admin/contests/${id}`);
  }
  let summary = contest ? summaryCard(contest) : null;
  if (summary) ctx.root.append(summary);

  // ---- the form --------------------------------------------------------------------------
  const title = el('input', { name: 'title', maxlength: 1024, autocomplete: 'off' });
  const start = el('input', { name: 'start', type: 'datetime-local', step: 60 });
  const nowBtn = el('button', { type: 'button', class: 'btn btn-small' }, 'Now');
  const utcOut = el('output', { for: 'f-start', class: 'mono', 'data-testid': 'start-utc' });
  const duration = el('input', { name: 'duration', inputmode: 'numeric', placeholder: 'e.g. 300 or 5:00', autocomplete: 'off' });
  const scoring = el('select', { name: 'scoring' }, SCORING.map(([v, t]) => el('option', { value: v }, `${scoringName(v)} — ${t}`)));
  const freeze = el('input', { name: 'freeze', type: 'number', min: 0, step: 1, inputmode: 'numeric' });
  const penalty = el('input', { name: 'penalty', type: 'number', min: 0, max: 1440, step: 1, inputmode: 'numeric' });

  let rows = []; // [{problem_id, title, label, points}]
  if (contest) {
    title.value = contest.title || '';
    const st = new Date(contest.start_time);
    if (!isNaN(st)) start.value = localInputValue(st);
    duration.value = minutesText(Math.round((contest.duration_s || 0) / 60));
    scoring.value = contest.scoring || 'icpc';
    freeze.value = contest.freeze_s ? String(Math.round(contest.freeze_s / 60)) : '';
    penalty.value = contest.penalty_min != null ? String(contest.penalty_min) : '20';
    rows = (contest.problems || []).map((p) => ({ problem_id: String(p.problem_id), title: null, label: p.label, points: p.points != null ? String(p.points) : '' }));
  } else {
    const d = new Date(Date.now() + 3600e3);
    d.setMinutes(0, 0, 0);
    start.value = localInputValue(d);
    duration.value = '5:00';
    penalty.value = '20';
  }
  const showUtc = () => {
    const v = localToRfc3339(start.value);
    utcOut.textContent = v ? `= ${v} (UTC)` : 'not a complete date and time';
  };
  start.addEventListener('input', showUtc);
  nowBtn.addEventListener('click', () => { start.value = localInputValue(new Date()); showUtc(); start.focus(); });
  showUtc();

  const editor = problemEditor(ctx, rows, scoring);
  const errs = el('div', { class: 'form-errors', 'data-testid': 'contest-errors' });
  const saved = el('div', { 'aria-live': 'polite' });
  const save = el('button', { type: 'submit', class: 'btn btn-primary' }, id ? 'Save changes' : 'Create contest');

  const startField = field('Start time', start);
  startField.querySelector('label').after(el('small', { class: 'hint', id: 'start-hint' },
    `Your time zone: ${timezoneText()}. Stored in UTC.`));
  start.setAttribute('aria-describedby', 'start-hint');
  startField.append(el('div', { class: 'row' }, nowBtn, utcOut));

  const form = el('form', { class: 'card contest-form', novalidate: true },
    el('div', { class: 'grid2' },
      el('div', {}, field('Title', title), startField,
        field('Duration', duration, 'Minutes (300) or hours:minutes (5:00).')),
      el('div', {}, field('Scoring', scoring),
        field('Freeze (minutes before the end)', freeze, 'The public scoreboard stops changing this long before the end. Empty or 0: no freeze.'),
        field('Penalty (minutes per rejected attempt)', penalty, 'ICPC only; the API\'s default is 20.'))),
    editor.node,
    errs,
    el('div', { class: 'row' }, save, saved));
  ctx.root.append(form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(saved);
    showError(errs, null);
    const body = { title: title.value.trim(), start_time: localToRfc3339(start.value) ?? start.value, scoring: scoring.value };
    // Light checks only for what the API cannot see (our own duration syntax); everything
    // else goes to the server, whose message names the field.
    if (duration.value.trim()) {
      const min = parseMinutes(duration.value);
      if (min === null) {
        showError(errs, { message: `Duration "${duration.value.trim()}" is neither minutes (300) nor hours:minutes (5:00).` });
        duration.focus();
        return;
      }
      body.duration_s = min * 60;
    }
    if (freeze.value.trim() !== '') body.freeze_s = Math.round(Number(freeze.value) * 60);
    if (penalty.value.trim() !== '') body.penalty_min = Number(penalty.value);
    body.problems = editor.value();
    const r = await saveResource(save, errs, 'contests', id, body);
    if (ctx.signal.aborted) return; // the user left while it was saving: stay where they went
    if (!r) { errs.scrollIntoView({ block: 'nearest' }); return; }
    if (!id) { ctx.navigate(`/admin/contests/${encodeURIComponent(r.id)}?created=1`); return; }
    saved.append(el('span', { class: 'ok-text', role: 'status' }, `✓ Saved at ${hhmmss()}.`));
    try {
      const c = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
      if (c.server_time) syncClock(c.server_time);
      const next = summaryCard(c);
      summary.replaceWith(next);
      summary = next;
    } catch (_) { /* the save itself succeeded; the summary refreshes on the next visit */ }
  });

  if (contest) ctx.root.append(actionsCard(ctx, contest));
  if (!id) title.focus();
}

function summaryCard(c) {
  return el('div', { class: 'card contest-summary' },
    el('dl', { class: 'facts' },
      el('dt', {}, 'State'), el('dd', { 'data-testid': 'contest-state' }, contestState(c).words),
      el('dt', {}, 'Start'), el('dd', {}, fmtTime(c.start_time)),
      el('dt', {}, 'End'), el('dd', {}, fmtTime(c.end_time)),
      c.freeze_time ? el('dt', {}, 'Freeze') : null, c.freeze_time ? el('dd', {}, fmtTime(c.freeze_time)) : null,
      el('dt', {}, 'Contestants'), el('dd', {}, String(c.contestants ?? '—'))),
    el('p', { class: 'row' }, link(`/contests/${c.id}`, 'Contest page'), link(`/contests/${c.id}/scoreboard`, 'Scoreboard'),
      link(`/admin/contests/${c.id}/clarifications`, 'Clarifications (jury)')));
}

function actionsCard(ctx, c) {
  const id = c.id;
  const thawStatus = el('div', { 'aria-live': 'polite' });
  const finStatus = el('div', { 'aria-live': 'polite' });
  const thaw = confirmAction({
    label: 'Thaw the scoreboard', testid: 'thaw',
    question: 'Reveal every result hidden by the freeze? Contestants and viewers see the final board at once; this cannot be undone.',
    confirmLabel: 'Yes, thaw now',
    run: async () => { await api('POST', `/api/v1/contests/${encodeURIComponent(id)}/thaw`); clear(thawStatus).append(note('✓ The scoreboard is thawed.')); },
  });
  const fin = confirmAction({
    label: 'Finalize the contest', testid: 'finalize', danger: true,
    question: 'Finalize the results? Do this after the end, once clarifications and rejudges are done.',
    confirmLabel: 'Yes, finalize',
    run: async () => { await api('POST', `/api/v1/contests/${encodeURIComponent(id)}/finalize`); clear(finStatus).append(note('✓ The contest is finalized.')); },
  });
  return el('section', { class: 'card', 'aria-labelledby': 'contest-actions' },
    el('h2', { id: 'contest-actions' }, 'After the contest'),
    el('div', { class: 'grid2' },
      el('div', {}, el('p', { class: 'muted' }, c.freeze_s ? `Freeze: the last ${Math.round(c.freeze_s / 60)} minutes${c.thawed ? ' (already thawed)' : ''}.` : 'This contest has no freeze.'), thaw, thawStatus),
      el('div', {}, el('p', { class: 'muted' }, c.finalized ? 'Already finalized.' : 'Allowed once the contest has ended.'), fin, finStatus)));
}

// The problem list: rows of (label, problem, points) with reorder/remove, and a picker that
// searches GET /api/v1/problems.
function problemEditor(ctx, rows, scoringSel) {
  const tbody = el('tbody');
  const empty = el('p', { class: 'muted' }, 'No problems yet: add them from the search below.');
  const tableWrap = el('div', { class: 'table-wrap' }, el('table', { class: 'problem-rows cards-sm' },
    el('caption', { class: 'sr-only' }, 'Problems of the contest'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Label'), el('th', { scope: 'col' }, 'Problem'),
      el('th', { scope: 'col' }, 'Points'), el('th', { scope: 'col' }, 'Order / remove'))),
    tbody));
  const live = el('p', { class: 'sr-only', 'aria-live': 'polite' });

  const titles = new Map();
  const nextLabel = () => {
    const used = new Set(rows.map((r) => r.label));
    for (let i = 0; i < 26; i++) { const l = String.fromCharCode(65 + i); if (!used.has(l)) return l; }
    return '';
  };
  const nameOf = (r) => {
    const name = r.title || titles.get(r.problem_id) || '';
    return [el('span', { class: 'muted' }, `#${r.problem_id} `), name ? link(`/problems/${r.problem_id}`, name) : el('span', { class: 'muted' }, '…')];
  };
  // A title that arrives later fills its own cell only, so a label being typed keeps focus.
  const showTitles = () => {
    for (const r of rows) {
      const cell = tbody.querySelector(`[data-testid="row-${CSS.escape(r.problem_id)}"] [data-cell="name"]`);
      if (cell && !cell.querySelector('a')) clear(cell).append(...nameOf(r));
    }
  };
  const render = (focus) => {
    clear(tbody);
    empty.hidden = rows.length > 0;
    tableWrap.hidden = rows.length === 0;
    rows.forEach((r, i) => {
      const lab = el('input', { class: 'label-input', value: r.label, maxlength: 16, size: 4, 'aria-label': `Label of problem ${r.problem_id}`, 'data-testid': `label-${r.problem_id}` });
      lab.addEventListener('input', () => { r.label = lab.value.trim(); });
      const pts = el('input', { class: 'points-input', type: 'number', min: 0, step: 'any', value: r.points, placeholder: String(DEFAULT_POINTS[scoringSel.value] || ''), 'aria-label': `Points of problem ${r.problem_id}` });
      pts.addEventListener('input', () => { r.points = pts.value; });
      const up = el('button', { type: 'button', class: 'btn btn-small', disabled: i === 0, 'aria-label': `Move ${r.label || r.problem_id} up`, dataset: { act: `up-${i}` } }, '↑');
      const down = el('button', { type: 'button', class: 'btn btn-small', disabled: i === rows.length - 1, 'aria-label': `Move ${r.label || r.problem_id} down`, dataset: { act: `down-${i}` } }, '↓');
      const rm = el('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Remove ${r.label || r.problem_id}` }, '✕ Remove');
      up.addEventListener('click', () => { [rows[i - 1], rows[i]] = [rows[i], rows[i - 1]]; live.textContent = `Moved ${r.label} up.`; render(i - 1 > 0 ? `up-${i - 1}` : `down-${i - 1}`); });
      down.addEventListener('click', () => { [rows[i + 1], rows[i]] = [rows[i], rows[i + 1]]; live.textContent = `Moved ${r.label} down.`; render(i + 1 < rows.length - 1 ? `down-${i + 1}` : `up-${i + 1}`); });
      rm.addEventListener('click', () => { rows.splice(i, 1); live.textContent = `Removed ${r.label || r.problem_id}.`; render(); refreshPicker(); search.focus(); });
      tbody.append(el('tr', { 'data-testid': `row-${r.problem_id}` },
        el('td', { 'data-label': 'Label' }, lab),
        el('td', { 'data-label': 'Problem', 'data-cell': 'name' }, nameOf(r)),
        el('td', { 'data-label': 'Points' }, pts),
        el('td', { class: 'actions', 'data-label': 'Order' }, up, down, rm)));
    });
    if (focus) { const b = tbody.querySelector(`[data-act="${focus}"]`); if (b) b.focus(); }
  };
  scoringSel.addEventListener('change', () => render());

  // picker
  const search = el('input', { type: 'search', name: 'problem-search', placeholder: 'Title or tag', autocomplete: 'off' });
  const findBtn = el('button', { type: 'button', class: 'btn' }, 'Find');
  const results = el('ul', { class: 'picker-results', 'aria-label': 'Problems found' });
  const pickErr = el('div');
  let lastItems = [];
  const refreshPicker = () => {
    clear(results);
    if (!lastItems.length) { results.append(el('li', { class: 'muted' }, 'No problems match.')); return; }
    for (const p of lastItems) {
      const added = rows.some((r) => r.problem_id === String(p.id));
      const add = el('button', { type: 'button', class: 'btn btn-small', disabled: added, 'aria-label': added ? `${p.title} is added` : `Add ${p.title}` }, added ? '✓ Added' : '+ Add');
      add.addEventListener('click', () => {
        titles.set(String(p.id), p.title);
        rows.push({ problem_id: String(p.id), title: p.title, label: nextLabel(), points: '' });
        live.textContent = `Added ${p.title} as ${rows[rows.length - 1].label}.`;
        render();
        refreshPicker();
        const lab = tbody.querySelector(`[data-testid="label-${p.id}"]`);
        if (lab) lab.focus();
      });
      results.append(el('li', { 'data-testid': `pick-${p.id}` }, add, ' ', el('span', { class: 'muted' }, `#${p.id}`), ' ', p.title,
        p.tags && p.tags.length ? el('span', { class: 'muted' }, ` · ${p.tags.join(', ')}`) : null));
    }
  };
  // Enter in the search box can start a search while one is answering: the last one wins.
  const find = latest(async (fresh) => {
    const qs = new URLSearchParams({ per_page: '10' });
    if (search.value.trim()) qs.set('q', search.value.trim());
    await busy(findBtn, pickErr, async () => {
      let r;
      try { r = await api('GET', '/api/v1/problems?' + qs, undefined, { signal: ctx.signal }); } catch (e) { if (fresh()) throw e; return; }
      if (!fresh()) return;
      lastItems = (r && r.items) || [];
      for (const p of lastItems) titles.set(String(p.id), p.title);
      showTitles();
      refreshPicker();
    });
  });
  findBtn.addEventListener('click', find);
  search.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); find(); } });

  // Titles of the problems already in the contest.
  for (const r of rows) {
    if (r.title) continue;
    problemTitle(r.problem_id).then((t) => {
      if (ctx.signal.aborted) return;
      titles.set(r.problem_id, t || '(title not available)');
      showTitles();
    });
  }
  render();
  find();

  const node = el('fieldset', { class: 'problem-editor' },
    el('legend', {}, 'Problems'), empty, tableWrap, live,
    el('div', { class: 'picker' },
      el('div', { class: 'row' }, field('Find a problem to add', search), findBtn),
      pickErr, results));
  return {
    node,
    value: () => rows.map((r) => {
      const o = { problem_id: r.problem_id, label: r.label };
      if (r.points !== '' && r.points != null) o.points = Number(r.points);
      return o;
    }),
  };
}
