// submit.js — the submission form: language, a CodeMirror editor (a plain <textarea> when
// CodeMirror did not load), file upload, and the POST with every refusal shown in words.
//
//   submitForm(ctx, {problemId, contestId}) → <form data-testid="submit-form">
//
// The draft source is kept per problem in localStorage, the last language globally.
import { api, ApiError } from './api.js';
import { el, clear, errorBox, busy, toast } from './ui.js';

export const MAX_SOURCE_BYTES = 65536;
const LANG_KEY = 'gavel.lang';
const draftKey = (problemId, contestId) => `gavel.draft.${contestId ? 'c' + contestId + '.' : ''}${problemId}`;

// CodeMirror mode per language id.
export const MODES = {
  c: 'text/x-csrc', cpp: 'text/x-c++src', java: 'text/x-java', python3: 'python',
  rust: 'rust', javascript: 'javascript', pascal: 'pascal',
};
// Language id from a file name's extension.
const EXT_LANG = {
  c: 'c', h: 'c', cpp: 'cpp', cc: 'cpp', cxx: 'cpp', 'c++': 'cpp', hpp: 'cpp', py: 'python3',
  java: 'java', rs: 'rust', js: 'javascript', mjs: 'javascript', pas: 'pascal', pp: 'pascal', dpr: 'pascal',
};
export const LANG_NAMES = {
  c: 'C', cpp: 'C++', python3: 'Python 3', java: 'Java', rust: 'Rust', javascript: 'JavaScript', pascal: 'Pascal',
};

// Judges come and go, so the list is fetched again after a minute.
let languagesCache = null, languagesAt = 0;
async function languages() {
  if (!languagesCache || Date.now() - languagesAt > 60000) {
    languagesAt = Date.now();
    languagesCache = api('GET', '/api/v1/languages').catch((e) => { languagesCache = null; throw e; });
  }
  return languagesCache;
}

const store = {
  get(k) { try { return localStorage.getItem(k); } catch (_) { return null; } },
  set(k, v) { try { if (v === null || v === '') localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (_) { /* private mode or full */ } },
};

const utf8Bytes = (s) => new TextEncoder().encode(s).length;
function fmtBytes(n) {
  return n < 1024 ? `${n} bytes` : `${(n / 1024).toFixed(1)} KiB`;
}

let formSeq = 0;

export function submitForm(ctx, { problemId, contestId } = {}) {
  const uid = `sf${++formSeq}`;
  const dkey = draftKey(problemId, contestId);

  // --- language ---
  const select = el('select', { id: `${uid}-lang`, name: 'language', disabled: true, 'aria-describedby': `${uid}-lang-hint` },
    el('option', { value: '' }, 'Loading languages…'));
  const langHint = el('small', { class: 'hint', id: `${uid}-lang-hint` });
  const langMsg = el('div', { class: 'ct-lang-msg' });
  const langField = el('div', { class: 'field ct-lang' }, el('label', { for: select.id }, 'Language'), select, langHint, langMsg);
  let langs = [];

  // --- editor ---
  const ta = el('textarea', { id: `${uid}-src`, name: 'source', rows: 18, spellcheck: 'false', autocapitalize: 'off',
    autocomplete: 'off', wrap: 'off', class: 'ct-source', 'aria-describedby': `${uid}-ed-hint` });
  ta.value = store.get(dkey) || '';
  const edLabel = el('label', { for: ta.id, id: `${uid}-src-label` }, 'Source code');
  const size = el('span', { class: 'ct-size', 'aria-live': 'off' });
  const edHint = el('small', { class: 'hint', id: `${uid}-ed-hint` });
  const wrap = el('div', { class: 'ct-editor', 'data-testid': 'editor' }, ta);
  const edField = el('div', { class: 'field' }, el('div', { class: 'spread' }, edLabel, size), wrap, edHint);

  // --- file ---
  const file = el('input', { type: 'file', id: `${uid}-file`, name: 'file',
    accept: '.c,.h,.cpp,.cc,.cxx,.hpp,.py,.java,.rs,.js,.mjs,.pas,.pp,.txt' });
  const fileMsg = el('div', { class: 'ct-file-msg', role: 'status' });
  const fileField = el('div', { class: 'field' }, el('label', { for: file.id }, 'Or load a source file'), file,
    el('small', { class: 'hint' }, 'The file replaces the editor text; its extension picks the language.'), fileMsg);

  // --- submit ---
  const msg = el('div', { class: 'ct-submit-msg', 'data-testid': 'submit-message' });
  const btn = el('button', { type: 'submit', class: 'btn btn-primary', disabled: true }, 'Submit');
  const form = el('form', { class: 'ct-submit', 'data-testid': 'submit-form', novalidate: true, 'aria-label': 'Submit a solution' },
    langField, edField, fileField, msg, el('div', { class: 'row' }, btn));

  let cm = null;
  const getSource = () => (cm ? cm.getValue() : ta.value);
  const setSource = (text) => { if (cm) cm.setValue(text); else ta.value = text; onChange(); }; // Ctrl+Z undoes a file load

  let saveTimer = null;
  function onChange() {
    const n = utf8Bytes(getSource());
    size.textContent = `${fmtBytes(n)} of 64 KiB`;
    size.classList.toggle('ct-over', n > MAX_SOURCE_BYTES);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => store.set(dkey, getSource()), 300);
  }
  ta.addEventListener('input', onChange);
  ctx.onCleanup(() => { clearTimeout(saveTimer); saveNow(); });
  window.addEventListener('pagehide', saveNow);
  ctx.onCleanup(() => window.removeEventListener('pagehide', saveNow));
  function saveNow() { store.set(dkey, getSource()); }

  // CodeMirror once the form is in the document (it measures itself).
  function attachEditor() {
    if (cm) return true;
    if (!window.CodeMirror) return document.readyState === 'complete'; // failed to load: keep the textarea
    if (!wrap.isConnected) return false;
    try {
      const CM = window.CodeMirror;
      let escaped = false;
      cm = CM.fromTextArea(ta, {
        lineNumbers: true, matchBrackets: true, autoCloseBrackets: true, indentUnit: 4, tabSize: 4,
        mode: MODES[select.value] || null, viewportMargin: 50, lineWrapping: false,
        screenReaderLabel: 'Source code',
        extraKeys: {
          Esc: () => { escaped = true; },
          Tab: (c) => { if (c.somethingSelected()) c.execCommand('indentMore'); else c.execCommand('insertSoftTab'); },
          'Shift-Tab': (c) => c.execCommand('indentLess'),
        },
      });
      // After Esc, the next Tab / Shift+Tab is the browser's: focus moves on.
      cm.on('keydown', (_c, e) => {
        if (e.key === 'Tab' && escaped) { e.codemirrorIgnore = true; escaped = false; return; }
        if (e.key !== 'Escape' && e.key !== 'Shift') escaped = false;
      });
      cm.on('blur', () => { escaped = false; });
      cm.on('changes', onChange);
      const input = cm.getInputField();
      input.id = `${uid}-cm`;
      input.setAttribute('aria-label', 'Source code');
      input.setAttribute('aria-describedby', `${uid}-ed-hint`);
      edLabel.setAttribute('for', input.id);
      edLabel.addEventListener('click', () => cm.focus());
      wrap.classList.add('ct-has-cm');
      edHint.textContent = 'Tab indents inside the editor. To leave it with the keyboard, press Esc, then Tab (or Shift+Tab).';
      return true;
    } catch (e) {
      console.warn('CodeMirror failed; using a plain text area', e);
      cm = null;
      return true; // give up: the textarea stays
    }
  }
  edHint.textContent = 'Plain text editor (the code editor did not load). Tab moves to the next field.';
  // The page appends the form after this returns (maybe after more requests): attach once it
  // is in the document.
  let tries = 0;
  const tryAttach = () => {
    if (attachEditor() || tries++ > 600 || (ctx.signal && ctx.signal.aborted)) return;
    setTimeout(tryAttach, tries < 5 ? 0 : 100);
  };
  requestAnimationFrame(tryAttach);
  onChange();

  // --- languages ---
  select.addEventListener('change', () => {
    store.set(LANG_KEY, select.value);
    showLangHint();
    if (cm) cm.setOption('mode', MODES[select.value] || null);
  });
  function showLangHint() {
    const l = langs.find((x) => x.id === select.value);
    langHint.textContent = l && l.version ? l.version : '';
  }
  async function loadLanguages() {
    clear(langMsg);
    try {
      langs = await languages();
      if (ctx.signal && ctx.signal.aborted) return;
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(select).append(el('option', { value: '' }, 'Languages unavailable'));
      langMsg.append(errorBox(err, el('div', {}, el('button', { type: 'button', class: 'btn btn-small', onclick: loadLanguages }, 'Retry'))));
      return;
    }
    langs = Array.isArray(langs) ? langs : (langs && langs.items) || [];
    clear(select);
    if (!langs.length) {
      select.append(el('option', { value: '' }, 'No language available'));
      langMsg.append(el('div', { class: 'info-box', role: 'status' },
        'No judge offers any language right now, so nothing can be submitted. Ask the organisers to start a judge, then reload this page.'));
      return;
    }
    for (const l of langs) select.append(el('option', { value: l.id }, l.name || LANG_NAMES[l.id] || l.id));
    const last = store.get(LANG_KEY);
    if (last && langs.some((l) => l.id === last)) select.value = last;
    select.disabled = false;
    btn.disabled = false;
    showLangHint();
    if (cm) cm.setOption('mode', MODES[select.value] || null);
  }
  loadLanguages();

  // --- file upload ---
  file.addEventListener('change', async () => {
    clear(fileMsg);
    const f = file.files && file.files[0];
    if (!f) return;
    if (f.size > MAX_SOURCE_BYTES) {
      fileMsg.append(errorBox({ message: `${f.name} is ${fmtBytes(f.size)}; a source may be at most 64 KiB (65,536 bytes). The editor was left unchanged.` }));
      file.value = '';
      return;
    }
    let text;
    try { text = await f.text(); } catch (e) {
      fileMsg.append(errorBox({ message: `Could not read ${f.name}: ${e.message}` }));
      return;
    }
    setSource(text);
    const ext = (f.name.match(/\.([^.]+)$/) || [])[1];
    const lang = ext ? EXT_LANG[ext.toLowerCase()] : null;
    let note = `Loaded ${f.name} (${fmtBytes(utf8Bytes(text))}).`;
    if (lang && langs.some((l) => l.id === lang)) {
      select.value = lang;
      select.dispatchEvent(new Event('change'));
      note += ` Language set to ${select.options[select.selectedIndex].text}.`;
    } else if (lang) {
      note += ` No judge offers ${LANG_NAMES[lang] || lang}; pick a language above.`;
    } else {
      note += ' Check the language above.';
    }
    fileMsg.append(el('p', { class: 'ct-note' }, note));
  });

  // --- submitting ---
  let retryStop = null;
  ctx.onCleanup(() => retryStop && retryStop());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const source = getSource();
    const language = select.value;
    if (!language) {
      msg.append(errorBox({ message: 'Choose a language first.' }));
      select.focus();
      return;
    }
    if (!source.trim()) {
      msg.append(errorBox({ message: 'The source is empty: type your solution in the editor or load a file first.' }));
      (cm || ta).focus();
      return;
    }
    const bytes = utf8Bytes(source);
    if (bytes > MAX_SOURCE_BYTES) {
      msg.append(errorBox({ message: `The source is ${bytes.toLocaleString('en')} bytes; the limit is 65,536 bytes (64 KiB). Shorten it before submitting.` }));
      return;
    }
    const body = { problem_id: String(problemId), language, source };
    if (contestId !== undefined && contestId !== null && contestId !== '') body.contest_id = String(contestId);
    btn.textContent = 'Submitting…';
    msg.append(el('p', { class: 'loading', role: 'status' }, 'Sending your solution…'));
    store.set(dkey, source);
    let r;
    try {
      // busy() disables the button meanwhile; with no slot it hands the error to us (a 429
      // needs its countdown).
      r = await busy(btn, null, () => api('POST', '/api/v1/submissions', body));
    } catch (err) {
      clear(msg);
      showSubmitError(err);
      return;
    } finally {
      btn.textContent = 'Submit';
    }
    if (!r) { clear(msg); return; }
    // The answer may come after the user went elsewhere: say where it went, stay put.
    if (ctx.signal && ctx.signal.aborted) {
      toast(`Your submission #${r.id} was received; it is in My submissions.`);
      return;
    }
    ctx.navigate('/submissions/' + encodeURIComponent(r.id));
  });

  function showSubmitError(err) {
    if (!(err instanceof ApiError) || err.status !== 429) {
      msg.append(errorBox(err));
      return;
    }
    // Rate limited: the server's words plus a countdown; the button waits it out.
    const wait = err.retryAfter > 0 ? Math.ceil(err.retryAfter) : 5;
    const left = el('span', { class: 'ct-retry' });
    msg.append(errorBox(err, el('div', {}, left)));
    let n = wait;
    btn.disabled = true;
    const tick = () => {
      if (n <= 0) {
        left.textContent = 'You can submit again now.';
        btn.disabled = false;
        clearInterval(id); retryStop = null;
        return;
      }
      left.textContent = `The Submit button comes back in ${n} s.`;
      n--;
    };
    if (retryStop) retryStop();
    const id = setInterval(tick, 1000);
    retryStop = () => clearInterval(id);
    tick();
  }

  return form;
}
