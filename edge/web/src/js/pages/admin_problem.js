// admin_problem.js — /admin/problems/new, /admin/problems/:id (the problem form, its
// statement preview, tests, delete) and /admin/import (package upload). Jury and admin.
import { api, upload } from '../api.js';
import { problemTitle } from '../data.js';
import { el, link, field, showError, clear, setTitle, errorBox, renderMath, table, toast, busy, fmtMemory } from '../ui.js';
import { relabel, confirmAction, note, hhmmss, uid, saveResource } from './admin_util.js';

const CHECKERS = [
  ['tokens', 'Tokens — whitespace-insensitive compare (default)'],
  ['exact', 'Exact — byte for byte'],
  ['float', 'Float — numbers within an absolute or relative error'],
];

export async function problemEdit(ctx) {
  const id = ctx.params.id || null;
  setTitle(id ? `Edit problem ${id}` : 'New problem');
  ctx.root.append(el('p', {}, link('/admin', '← Admin')));
  let prob = null;
  if (id) {
    const loading = el('p', { class: 'loading' }, 'Loading the problem…');
    ctx.root.append(loading);
    try {
      prob = await api('GET', `/api/v1/problems/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      loading.replaceWith(el('h1', {}, `Problem ${id}`), errorBox(e));
      return;
    }
    loading.remove();
  }
  const h1 = el('h1', {}, id ? `Edit problem: ${prob.title}` : 'New problem');
  ctx.root.append(h1);
  if (id && ctx.query.get('created')) {
    ctx.root.append(note(el('strong', {}, 'Problem created. '), `It has id ${id}. Add its tests below.`));
    history.replaceState(null, '', `/admin/problems/${id}`);
  }
  if (id) {
    ctx.root.append(el('p', { class: 'row' }, link(`/problems/${id}`, 'View as contestants see it'),
      link(`/admin/rejudge?problem_id=${id}`, 'Rejudge its submissions')));
  }

  // ---- the form --------------------------------------------------------------------------
  const title = el('input', { name: 'title', maxlength: 1024, autocomplete: 'off' });
  const statement = el('textarea', { name: 'statement_md', rows: 14, class: 'statement-input', spellcheck: 'true' });
  const tl = el('input', { name: 'time_limit_ms', type: 'number', min: 1, max: 600000, step: 1, inputmode: 'numeric' });
  const ml = el('input', { name: 'memory_limit_kb', type: 'number', min: 1, step: 1, inputmode: 'numeric' });
  const mlHint = el('small', { class: 'hint', 'aria-live': 'polite' });
  const tags = el('input', { name: 'tags', autocomplete: 'off', placeholder: 'e.g. math, greedy' });
  const checker = el('select', { name: 'checker' }, CHECKERS.map(([v, t]) => el('option', { value: v }, t)));
  const caseSens = el('input', { type: 'checkbox', name: 'case_sensitive', id: uid('cs'), checked: true });
  const abs = el('input', { name: 'abs', type: 'text', inputmode: 'decimal', value: '1e-6' });
  const rel = el('input', { name: 'rel', type: 'text', inputmode: 'decimal', value: '1e-6' });
  const tokensOpts = el('div', { class: 'checker-opts' }, el('label', { for: caseSens.id, class: 'check' }, caseSens, el('span', {}, 'Case-sensitive')));
  const floatOpts = el('div', { class: 'checker-opts grid2' }, field('Absolute error', abs), field('Relative error', rel));
  let customChecker = null;
  // Unpublished: hidden from everyone but jury and admin (so is a problem of a contest that has
  // not started, until the start; `hidden` says whether contestants can see it now).
  const published = el('input', { type: 'checkbox', name: 'published', id: uid('pub'), checked: true });
  const visibility = el('small', { class: 'hint', 'data-testid': 'problem-visibility' });

  if (prob) {
    title.value = prob.title || '';
    statement.value = prob.statement_md || '';
    tl.value = prob.time_limit_ms || '';
    ml.value = prob.memory_limit_kb || '';
    tags.value = (prob.tags || []).join(', ');
    published.checked = prob.published !== false;
    if (prob.hidden) visibility.textContent = prob.published === false
      ? 'Hidden from contestants: unpublished.'
      : 'Hidden from contestants until a contest that uses it starts.';
    const c = prob.checker || { type: 'tokens' };
    if (c.type === 'custom') {
      customChecker = c;
      checker.prepend(el('option', { value: 'custom' }, `Custom (${c.protocol || '?'} protocol, ${c.language || '?'}) — from the package, kept`));
      checker.value = 'custom';
    } else {
      checker.value = c.type || 'tokens';
      if (c.type === 'tokens') caseSens.checked = c.case_sensitive !== false;
      if (c.type === 'float') { abs.value = c.abs ?? '1e-6'; rel.value = c.rel ?? '1e-6'; }
    }
  } else {
    tl.value = '1000';
    ml.value = '262144';
  }
  const syncChecker = () => {
    tokensOpts.hidden = checker.value !== 'tokens';
    floatOpts.hidden = checker.value !== 'float';
  };
  const syncMl = () => { const v = Number(ml.value); mlHint.textContent = v > 0 ? `= ${fmtMemory(v)}` : 'Kibibytes (262144 = 256 MiB).'; };
  checker.addEventListener('change', syncChecker);
  ml.addEventListener('input', syncMl);
  syncChecker();
  syncMl();

  const errs = el('div', { class: 'form-errors', 'data-testid': 'problem-errors' });
  const saved = el('div', { 'aria-live': 'polite' });
  const save = el('button', { type: 'submit', class: 'btn btn-primary' }, id ? 'Save changes' : 'Create problem');
  const mlField = field('Memory limit (KB)', ml);
  mlField.append(mlHint);
  const form = el('form', { class: 'card problem-form', novalidate: true },
    field('Title', title),
    field('Statement (Markdown; math between $…$ or $$…$$)', statement,
      'Rendered by the server; KaTeX typesets the math in the browser.'),
    el('div', { class: 'grid2' }, field('Time limit (ms)', tl), mlField),
    field('Tags (comma-separated)', tags),
    el('div', {}, el('label', { for: published.id, class: 'check' }, published,
      el('span', {}, 'Published (visible to contestants and visitors)')), visibility),
    el('fieldset', { class: 'checker' }, el('legend', {}, 'Checker'), field('Output check', checker), tokensOpts, floatOpts),
    errs,
    el('div', { class: 'row' }, save, saved));
  ctx.root.append(form);

  // Preview of the saved statement (the server renders Markdown; KaTeX runs here).
  const previewBox = el('div', { class: 'statement preview', 'data-testid': 'statement-preview' });
  const previewNote = el('p', { class: 'muted', 'aria-live': 'polite' });
  const previewErr = el('div');
  const previewBtn = el('button', { type: 'button', class: 'btn', disabled: !id }, 'Preview');
  const previewSec = el('section', { class: 'card', 'aria-labelledby': 'prev-h' },
    el('div', { class: 'spread' }, el('h2', { id: 'prev-h' }, 'Statement preview'), previewBtn),
    id ? null : el('p', { class: 'muted' }, 'The preview shows the statement as the server renders it, so it appears once the problem is created.'),
    previewNote, previewErr, previewBox);
  let savedMd = prob ? prob.statement_md : null;
  const showPreview = (p) => {
    clear(previewBox);
    previewBox.append(el('div', { trustedHtml: p.statement_html || '' }));
    renderMath(previewBox);
    savedMd = p.statement_md;
    previewNote.textContent = statement.value === savedMd
      ? `Saved version, as contestants see it (loaded ${hhmmss()}).`
      : 'You have unsaved changes: this is the last saved statement. Save to update the preview.';
  };
  previewBtn.addEventListener('click', () => busy(previewBtn, previewErr, async () => {
    showPreview(await api('GET', `/api/v1/problems/${encodeURIComponent(id)}`));
    previewSec.scrollIntoView({ block: 'nearest' });
  }));
  statement.addEventListener('input', () => {
    if (savedMd !== null && statement.value !== savedMd) previewNote.textContent = 'You have unsaved changes: the preview shows the last saved statement. Save to update it.';
  });
  ctx.root.append(previewSec);
  if (prob) showPreview(prob);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(saved);
    const body = { title: title.value.trim(), statement_md: statement.value };
    if (tl.value.trim() !== '') body.time_limit_ms = Number(tl.value);
    if (ml.value.trim() !== '') body.memory_limit_kb = Number(ml.value);
    body.tags = tags.value.split(',').map((s) => s.trim()).filter(Boolean);
    body.published = published.checked;
    if (checker.value !== 'custom') { // a custom checker from a package is kept as it is
      const c = { type: checker.value };
      if (c.type === 'tokens') c.case_sensitive = caseSens.checked;
      if (c.type === 'float') {
        // Numbers when they read as numbers; otherwise as typed, so the server names the field.
        c.abs = abs.value.trim() !== '' && isFinite(Number(abs.value)) ? Number(abs.value) : abs.value;
        c.rel = rel.value.trim() !== '' && isFinite(Number(rel.value)) ? Number(rel.value) : rel.value;
      }
      body.checker = c;
    }
    const r = await saveResource(save, errs, 'problems', id, body);
    if (ctx.signal.aborted) return; // the user left while it was saving: stay where they went
    if (!r) return;
    if (!id) { ctx.navigate(`/admin/problems/${encodeURIComponent(r.id)}?created=1`); return; }
    saved.append(el('span', { class: 'ok-text' }, `✓ Saved at ${hhmmss()}.`));
    h1.textContent = `Edit problem: ${body.title}`;
    try {
      const p = await api('GET', `/api/v1/problems/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
      showPreview(p);
      renderSamples(p);
    } catch (err) { if (err.name !== 'AbortError') showError(previewErr, err); }
  });

  if (!id) { title.focus(); return; }

  // ---- tests -----------------------------------------------------------------------------
  const samplesBox = el('div', { 'data-testid': 'samples' });
  const renderSamples = (p) => {
    clear(samplesBox);
    const s = p.samples || [];
    samplesBox.append(el('p', { 'data-testid': 'samples-count' },
      s.length ? `${s.length} sample test${s.length === 1 ? '' : 's'} (shown to contestants):` : 'No sample tests yet.'));
    s.forEach((t, i) => samplesBox.append(el('div', { class: 'sample' },
      el('div', {}, el('strong', {}, `Sample ${i + 1} input`), el('pre', {}, t.input)),
      el('div', {}, el('strong', {}, `Sample ${i + 1} output`), el('pre', {}, t.output)))));
  };
  renderSamples(prob);
  const known = el('p', { 'data-testid': 'tests-known', 'aria-live': 'polite' },
    'The API lists only the sample tests; hidden tests are not shown here. Adding a test tells you its number, which is also the number of tests the problem has.');

  const tin = el('textarea', { name: 'test_input', rows: 6, spellcheck: 'false' });
  const tout = el('textarea', { name: 'test_output', rows: 6, spellcheck: 'false' });
  const fin = el('input', { type: 'file', name: 'in_file', accept: '.in,.txt,text/plain' });
  const fout = el('input', { type: 'file', name: 'ans_file', accept: '.ans,.out,.txt,text/plain' });
  const sample = el('input', { type: 'checkbox', name: 'sample', id: uid('sample') });
  const group = el('input', { name: 'group', autocomplete: 'off', placeholder: 'optional' });
  const replaceN = el('input', { name: 'replace_n', type: 'number', min: 1, step: 1, placeholder: 'empty: add a new test' });
  const addBtn = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Add test');
  const tErr = el('div', { 'data-testid': 'test-errors' });
  const tOk = el('div', { 'aria-live': 'polite', 'data-testid': 'test-result' });
  const loadInto = (input, area) => input.addEventListener('change', async () => {
    const f = input.files && input.files[0];
    if (!f) return;
    try { area.value = await f.text(); } catch (e) { showError(tErr, { message: `Cannot read ${f.name}: ${e.message}` }); }
  });
  loadInto(fin, tin);
  loadInto(fout, tout);
  replaceN.addEventListener('input', () => { addBtn.textContent = replaceN.value ? `Replace test ${replaceN.value}` : 'Add test'; });
  const inField = field('Input', tin); inField.append(field('…or load a .in file', fin));
  const outField = field('Expected output', tout); outField.append(field('…or load a .ans file', fout));
  const tform = el('form', { class: 'test-form', novalidate: true },
    el('div', { class: 'grid2' }, inField, outField),
    el('div', { class: 'row test-opts' },
      el('label', { for: sample.id, class: 'check' }, sample, el('span', {}, 'Sample (shown in the statement)')),
      field('Group (IOI subtask)', group), field('Replace test number', replaceN)),
    tErr, el('div', { class: 'row' }, addBtn, tOk));
  tform.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(tOk);
    const body = { input: tin.value, output: tout.value, sample: sample.checked };
    if (group.value.trim()) body.group = group.value.trim();
    const n = replaceN.value.trim();
    const r = await busy(addBtn, tErr, async () => (await (n
      ? api('PUT', `/api/v1/problems/${encodeURIComponent(id)}/tests/${encodeURIComponent(n)}`, body)
      : api('POST', `/api/v1/problems/${encodeURIComponent(id)}/tests`, body))) || {});
    if (!r) return;
    const num = r.n ?? n;
    tOk.append(el('span', { class: 'ok-text' }, n ? `✓ Test ${num} replaced.` : `✓ Added test ${num}${body.sample ? ' (sample)' : ''}.`));
    if (!n && r.n) known.textContent = `The problem now has ${r.n} test${r.n === 1 ? '' : 's'} (the API lists only the samples; hidden tests are not shown).`;
    tin.value = ''; tout.value = ''; fin.value = ''; fout.value = ''; sample.checked = false;
    try {
      const p = await api('GET', `/api/v1/problems/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal });
      renderSamples(p);
    } catch (err) { if (err.name !== 'AbortError') showError(tErr, err); }
    tin.focus();
  });
  ctx.root.append(el('section', { class: 'card', 'aria-labelledby': 'tests-h' },
    el('h2', { id: 'tests-h' }, 'Tests'), known, samplesBox,
    el('h3', {}, 'Add a test'), tform));

  // Submissions that came with the package (imported problems only).
  const pkgBox = el('div');
  ctx.root.append(pkgBox);
  api('GET', `/api/v1/problems/${encodeURIComponent(id)}/package-submissions`, undefined, { signal: ctx.signal })
    .then((r) => {
      const items = (r && r.items) || [];
      if (!items.length) return;
      pkgBox.append(el('section', { class: 'card', 'aria-labelledby': 'pkg-h' },
        el('h2', { id: 'pkg-h' }, `Package submissions (${items.length})`),
        el('p', { class: 'muted' }, 'The reference solutions that came with the package and the verdict each should get.'),
        table(['#', 'Folder', 'File', 'Language', 'Expected'], items.map((s) => el('tr', {},
          el('td', { class: 'num' }, String(s.n)), el('td', {}, s.folder || ''), el('td', { class: 'mono' }, s.name || ''),
          el('td', {}, s.language || ''), el('td', {}, s.expected || ''))))));
    })
    .catch((e) => { if (e.name !== 'AbortError') pkgBox.append(errorBox(e)); });

  // ---- delete ----------------------------------------------------------------------------
  ctx.root.append(el('section', { class: 'card danger-zone', 'aria-labelledby': 'del-h' },
    el('h2', { id: 'del-h' }, 'Delete this problem'),
    el('p', { class: 'muted' }, 'Deletes the problem and its tests. Contests that use it keep their label but can no longer judge it.'),
    confirmAction({
      label: 'Delete problem', danger: true, testid: 'delete-problem',
      question: `Delete problem ${id} "${prob.title}" and all its tests? This cannot be undone.`,
      confirmLabel: 'Yes, delete it',
      run: async () => {
        await api('DELETE', `/api/v1/problems/${encodeURIComponent(id)}`);
        toast(`Problem ${id} "${prob.title}" was deleted.`);
        if (!ctx.signal.aborted) ctx.navigate('/admin');
      },
    })));
}

// ---- /admin/import ----------------------------------------------------------------------

const MAX_PACKAGE = 256 * 1024 * 1024;
const mb = (bytes) => fmtMemory(Math.round(bytes / 1024)); // one size format everywhere (KiB/MiB)

export async function importPackage(ctx) {
  setTitle('Import a problem package');
  ctx.root.append(el('p', {}, link('/admin', '← Admin')), el('h1', {}, 'Import a problem package'));
  const file = el('input', { type: 'file', name: 'package', accept: '.zip,application/zip' });
  const go = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Upload and import');
  const prog = el('progress', { max: 100, value: 0, 'aria-label': 'Upload progress', 'data-testid': 'upload-progress' });
  const pct = el('span', { class: 'pct', 'data-testid': 'upload-pct' }, '');
  const phase = el('p', { class: 'muted', 'aria-live': 'polite', 'data-testid': 'upload-phase' });
  const progBox = el('div', { class: 'upload-progress', hidden: true }, el('div', { class: 'row' }, prog, pct), phase);
  const errs = el('div', { 'data-testid': 'import-errors' });
  const result = el('div', { 'data-testid': 'import-result' });
  const form = el('form', { class: 'card', novalidate: true },
    field('Problem package (.zip)', file,
      'Kattis / problemarchive layout: problem.yaml, problem_statement/, data/sample/*.in|.ans, data/secret/*.in|.ans, optional output_validators/ and submissions/. At most 256 MiB.'),
    el('div', { class: 'row' }, go), progBox, errs);
  ctx.root.append(form, result);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(result);
    showError(errs, null);
    const f = file.files && file.files[0];
    if (!f) { showError(errs, { message: 'Choose a .zip file first.' }); file.focus(); return; }
    if (f.size > MAX_PACKAGE) { showError(errs, { message: `${f.name} is ${mb(f.size)}; a package may be at most 256 MiB.` }); return; }
    progBox.hidden = false;
    prog.value = 0;
    pct.textContent = '0 %';
    phase.textContent = `Uploading ${f.name} (${mb(f.size)})…`;
    const r = await busy(go, errs, () => relabel(go, 'Uploading…', async () => {
      try {
        return await upload('/api/v1/problems/import', f, (loaded, total) => {
          const p = total ? Math.floor((loaded / total) * 100) : 0;
          prog.value = p;
          pct.textContent = `${p} %`;
          if (loaded >= total) phase.textContent = 'Uploaded; the server is unpacking and storing the problem…';
          else phase.textContent = `Uploading ${f.name}: ${mb(loaded)} of ${mb(total)}…`;
        });
      } catch (err) {
        phase.textContent = err.status === 413 ? 'The server refused the upload as too large.' : 'The import failed.';
        throw err;
      }
    }));
    if (!r) return;
    prog.value = 100;
    pct.textContent = '100 %';
    phase.textContent = `Imported ${f.name}.`;
    const titleText = (await problemTitle(r.id)) || ''; // on failure the link still works
    if (ctx.signal.aborted) return;
    const warnings = r.warnings || [];
    result.append(el('section', { class: 'card import-result', 'aria-labelledby': 'imp-h' },
      el('h2', { id: 'imp-h' }, '✓ Imported'),
      el('p', {}, 'Problem ', link(`/admin/problems/${r.id}`, `#${r.id}${titleText ? ' ' + titleText : ''}`), ' — ',
        `${r.tests} test${r.tests === 1 ? '' : 's'}`, r.submissions ? `, ${r.submissions} package submission${r.submissions === 1 ? '' : 's'}` : '', '.'),
      el('p', { class: 'row' }, link(`/admin/problems/${r.id}`, 'Edit the problem'), link(`/problems/${r.id}`, 'View it')),
      warnings.length
        ? el('div', {}, el('h3', {}, `Warnings (${warnings.length})`), el('ul', { class: 'warnings' }, warnings.map((w) => el('li', {}, '⚠ ', w))))
        : el('p', { class: 'muted' }, 'No warnings.')));
    result.querySelector('h2').setAttribute('tabindex', '-1');
    result.querySelector('h2').focus();
  });
}
