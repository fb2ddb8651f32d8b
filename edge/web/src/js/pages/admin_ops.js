// admin_ops.js — /admin/rejudge and /admin/judges (admin).
import { api } from '../api.js';
import { el, link, field, showError, clear, setTitle, table, busy } from '../ui.js';
import { relabel, note, hhmmss } from './admin_util.js';

// ---- /admin/rejudge ---------------------------------------------------------------------

export async function rejudge(ctx) {
  setTitle('Rejudge');
  ctx.root.append(el('p', {}, link('/admin', '← Admin')), el('h1', {}, 'Rejudge'),
    el('p', { class: 'muted' }, 'Judge submissions again, e.g. after fixing a test or the checker. Results and scoreboards update as the new verdicts arrive. Fill in one of the three.'));
  const ids = el('input', { name: 'submission_ids', autocomplete: 'off', placeholder: 'e.g. 17, 18, 42', value: ctx.query.get('submission_ids') || '' });
  const problem = el('select', { name: 'problem_id' }, el('option', { value: '' }, '— none —'));
  const contest = el('select', { name: 'contest_id' }, el('option', { value: '' }, '— none —'));
  const errs = el('div', { 'data-testid': 'rejudge-errors' });
  const out = el('div', { 'aria-live': 'polite', 'data-testid': 'rejudge-result' });
  const go = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Rejudge');
  const loadErr = el('div');
  const form = el('form', { class: 'card narrow-wide', novalidate: true },
    field('Submission ids', ids, 'Comma- or space-separated.'),
    el('p', { class: 'or' }, 'or'),
    field('Every submission to a problem', problem),
    el('p', { class: 'or' }, 'or'),
    field('Every submission in a contest', contest),
    loadErr, errs, el('div', { class: 'row' }, go), out);
  ctx.root.append(form);

  const want = { problem: ctx.query.get('problem_id') || '', contest: ctx.query.get('contest_id') || '' };
  Promise.all([
    api('GET', '/api/v1/problems?per_page=1000', undefined, { signal: ctx.signal }).then((r) => {
      for (const p of (r && r.items) || []) problem.append(el('option', { value: p.id }, `#${p.id} ${p.title}`));
      if (want.problem) {
        if (![...problem.options].some((o) => o.value === want.problem)) problem.append(el('option', { value: want.problem }, `#${want.problem}`));
        problem.value = want.problem;
      }
    }),
    api('GET', '/api/v1/contests?per_page=1000', undefined, { signal: ctx.signal }).then((r) => {
      for (const c of (r && r.items) || []) contest.append(el('option', { value: c.id }, `#${c.id} ${c.title}`));
      if (want.contest) {
        if (![...contest.options].some((o) => o.value === want.contest)) contest.append(el('option', { value: want.contest }, `#${want.contest}`));
        contest.value = want.contest;
      }
    }),
  ]).catch((e) => { if (e.name !== 'AbortError') showError(loadErr, e); });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(out);
    const body = {};
    const list = ids.value.split(/[\s,;]+/).filter(Boolean);
    // Sent as typed: the server names a bad entry (`submission_ids[2]` ...).
    if (list.length) body.submission_ids = list;
    if (problem.value) body.problem_id = problem.value;
    if (contest.value) body.contest_id = contest.value;
    const r = await busy(go, errs, () => relabel(go, 'Rejudging…',
      async () => (await api('POST', '/api/v1/admin/rejudge', body)) || {}));
    if (!r) return;
    const what = [list.length ? `submissions ${list.join(', ')}` : null, problem.value ? `problem #${problem.value}` : null,
      contest.value ? `contest #${contest.value}` : null].filter(Boolean).join(' and ');
    const n = r.count;
    out.append(note(`✓ ${typeof n === 'number' ? `${n} submission${n === 1 ? '' : 's'} queued for rejudging` : 'Rejudge queued'} (${what}) at ${hhmmss()}.`,
      n === 0 ? ' Nothing matched: there were no submissions to judge again.' : ''));
  });
}

// ---- /admin/judges ----------------------------------------------------------------------

const STATE = { idle: '○ Idle', busy: '▶ Busy', lost: '✕ Lost' };
const STATE_CLASS = { idle: 'ok', busy: 'pending', lost: 'bad' };

export async function judges(ctx) {
  setTitle('Judges');
  const stamp = el('span', { class: 'muted', 'data-testid': 'judges-updated' }, 'loading…');
  const summary = el('p', { 'data-testid': 'judges-summary' });
  const errs = el('div');
  const slot = el('div', {}, el('p', { class: 'loading' }, 'Loading judges…'));
  ctx.root.append(el('p', {}, link('/admin', '← Admin')),
    el('div', { class: 'spread' }, el('h1', {}, 'Judges'), el('p', { class: 'live-note' }, '⟳ refreshes every 2 s · ', stamp)),
    summary, errs, slot);

  let inflight = false, stopped = false;
  const tick = async () => {
    if (inflight || stopped) return;
    inflight = true;
    try {
      const list = await api('GET', '/api/v1/admin/judges', undefined, { signal: ctx.signal });
      if (stopped) return;
      showError(errs, null);
      render(Array.isArray(list) ? list : (list && list.items) || []);
      stamp.textContent = `updated ${hhmmss()}`;
    } catch (e) {
      if (e.name === 'AbortError' || stopped) return;
      showError(errs, e);
      stamp.textContent = `update failed ${hhmmss()}; retrying`;
    } finally {
      inflight = false;
    }
  };
  // The table is patched in place every 2 s: rows are keyed by judge id and a cell is rebuilt
  // only when what it shows changed, so a focused link or disclosure in it keeps its focus.
  const rowsById = new Map(); // id -> {tr, keys: {column: key}}
  let tbody = null;
  const render = (list) => {
    const count = (s) => list.filter((j) => j.state === s).length;
    summary.textContent = list.length
      ? `${list.length} judge${list.length === 1 ? '' : 's'}: ${count('idle')} idle, ${count('busy')} busy, ${count('lost')} lost.`
      : '';
    if (!list.length) {
      tbody = null;
      rowsById.clear();
      clear(slot).append(el('div', { class: 'error-box' }, 'No judge is connected: submissions wait in the queue until one is. Start a judge node (ops/gavel up starts the ones in cluster.toml).'));
      return;
    }
    if (!tbody) {
      const t = table(['Judge', 'Host', 'State', 'Current job', 'Languages', 'Last seen', 'Isolation'], [], { class: 'judges-table cards-sm' });
      tbody = t.querySelector('tbody');
      clear(slot).append(t);
    }
    const ids = new Set(list.map((j) => String(j.id)));
    for (const [id, r] of rowsById) if (!ids.has(id)) { r.tr.remove(); rowsById.delete(id); }
    let prev = null;
    for (const j of list) {
      const id = String(j.id);
      let r = rowsById.get(id);
      if (!r) {
        const tr = el('tr', { 'data-testid': `judge-${j.id}` }, COLUMNS.map(() => el('td')));
        r = { tr, keys: {} };
        rowsById.set(id, r);
      }
      r.tr.className = j.state === 'lost' ? 'judge-lost' : '';
      COLUMNS.forEach(([name, cls, key, cell, testid], i) => {
        const k = JSON.stringify(key(j));
        if (r.keys[name] === k) return;
        r.keys[name] = k;
        r.tr.children[i].replaceWith(el('td', { 'data-label': name, class: cls, 'data-testid': testid }, cell(j)));
      });
      // Move a row only when it is out of place (moving a node would drop the focus in it).
      const want = prev ? prev.nextSibling : tbody.firstChild;
      if (want !== r.tr) tbody.insertBefore(r.tr, want);
      prev = r.tr;
    }
  };
  const timer = setInterval(tick, 2000);
  ctx.onCleanup(() => { stopped = true; clearInterval(timer); });
  await tick();
}

// [header, td class, what the cell shows (its change key), builds the content, data-testid]
const COLUMNS = [
  ['Judge', null, (j) => j.id, (j) => el('code', {}, j.id)],
  ['Host', null, (j) => j.host, (j) => j.host || '—'],
  ['State', null, (j) => j.state, (j) => el('span', { class: `badge badge-${STATE_CLASS[j.state] || 'warn'}`, 'data-testid': 'judge-state' }, STATE[j.state] || j.state)],
  ['Job', null, (j) => [j.jobs, j.job, j.slots], jobCell],
  ['Languages', 'langs', (j) => [j.language_info, j.languages], langCell, 'judge-languages'],
  ['Last seen', null, (j) => [j.last_seen, Math.floor(Date.now() / 1000)], (j) => seenCell(j.last_seen)],
  ['Isolation', 'iso', (j) => j.isolation, (j) => isolationCell(j.isolation)],
];

function jobCell(j) {
  const jobs = (j.jobs && j.jobs.length ? j.jobs : j.job ? [j.job] : []).map(String);
  const slots = j.slots > 1 ? el('div', { class: 'muted' }, `${jobs.length} of ${j.slots} slots busy`) : null;
  if (!jobs.length) return [el('span', { class: 'muted' }, '—'), slots];
  return [el('span', {}, jobs.map((id, i) => [i ? ', ' : '', link(`/submissions/${id}`, `submission ${id}`)])), slots];
}

// Language names with their versions behind a disclosure (they are long).
const openLangs = new Set();
function langCell(j) {
  const info = Array.isArray(j.language_info) && j.language_info.length ? j.language_info : (j.languages || []).map((id) => ({ id, name: id, version: '' }));
  if (!info.length) return el('span', { class: 'muted' }, 'none');
  const names = info.map((l) => l.name || l.id).join(', ');
  const d = el('details', { open: openLangs.has(j.id) },
    el('summary', {}, names),
    el('ul', { class: 'plain' }, info.map((l) => el('li', {}, el('code', {}, l.id), ' ', l.version || el('span', { class: 'muted' }, 'version not reported')))));
  d.addEventListener('toggle', () => { if (d.open) openLangs.add(j.id); else openLangs.delete(j.id); });
  return d;
}

function seenCell(iso) {
  const t = Date.parse(iso);
  if (isNaN(t)) return el('span', { class: 'muted' }, '—');
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  const ago = s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : `${Math.floor(s / 3600)} h ago`;
  return el('time', { datetime: iso, title: new Date(t).toLocaleString() }, ago);
}

const yes = (ok) => (ok ? '✓' : '✗');
// The judge's READY `isolation` as words with ✓/✗ marks (colour only doubles them).
export function isolationCell(iso) {
  if (!iso || typeof iso !== 'object') return el('span', { class: 'muted' }, 'not reported');
  const items = [];
  const add = (ok, text) => items.push(el('li', { class: ok ? 'iso-ok' : 'iso-bad' }, el('span', { class: 'mark', 'aria-hidden': 'true' }, yes(ok) + ' '), text, el('span', { class: 'sr-only' }, ok ? ' (yes)' : ' (no)')));
  const ns = Array.isArray(iso.namespaces) ? iso.namespaces : [];
  add(iso.sandbox === 'namespaces' && ns.length > 0, ns.length ? `namespaces (${ns.join(', ')})` : `namespaces (sandbox: ${iso.sandbox || 'none'})`);
  if ('seccomp' in iso) add(!!iso.seccomp, 'seccomp');
  if ('cgroup' in iso) {
    const cg = iso.cgroup && iso.cgroup !== 'none';
    add(cg, cg ? `cgroup ${iso.cgroup}` : 'cgroups');
    const names = { memory: 'memory limit', pids: 'process limit (pids)', cpu: 'CPU time accounting' };
    for (const k of ['memory', 'pids', 'cpu']) if (k in iso) add(!!iso[k], names[k]);
  }
  if ('network' in iso) add(iso.network === 'none', iso.network === 'none' ? 'no network' : `network: ${iso.network}`);
  if ('separate_user' in iso) add(!!iso.separate_user, `runs as ${iso.run_user || '?'}${iso.separate_user ? '' : ' (same user as the judge)'}`);
  const known = new Set(['sandbox', 'namespaces', 'seccomp', 'cgroup', 'memory', 'pids', 'cpu', 'network', 'insecure', 'run_user', 'separate_user']);
  for (const [k, v] of Object.entries(iso)) if (!known.has(k)) items.push(el('li', {}, `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`));
  return [
    iso.insecure ? el('div', { class: 'badge badge-bad' }, '⚠ Incomplete isolation: do not use for untrusted code')
      : el('div', { class: 'badge badge-ok' }, '✓ Fully isolated'),
    el('ul', { class: 'iso-list' }, items),
  ];
}
