// ui.js — small DOM helpers shared by every page.

// el('a', {href: '/x', class: 'btn', onclick: fn}, 'text', child, [more]) → Element.
// Strings become text nodes (never HTML); null/false children are skipped.
export function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') n.addEventListener(k.slice(2), v);
    else if (k === 'class') n.className = v;
    else if (k === 'dataset') Object.assign(n.dataset, v);
    else if (k === 'html') n.innerHTML = v; // only for server-rendered, sanitised HTML
    else if (v === true) n.setAttribute(k, '');
    else n.setAttribute(k, String(v));
  }
  append(n, children);
  return n;
}
function append(n, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(n, c);
    else n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}
export const clear = (n) => { while (n.firstChild) n.firstChild.remove(); return n; };

// A link handled by the router (the click listener in main.js looks for data-link).
export const link = (href, ...children) => el('a', { href, 'data-link': true }, ...children);

// The API's error, shown where the failed action was; role=alert so screen readers hear it.
export function errorBox(err, extra) {
  const msg = err && err.message ? err.message : String(err);
  const code = err && err.code ? err.code : null;
  return el('div', { class: 'error-box', role: 'alert' },
    el('strong', {}, 'Error: '), msg,
    code ? el('span', { class: 'muted' }, ` (${code}${err.status ? ', HTTP ' + err.status : ''})`) : null,
    extra || null);
}
// Replace the content of `slot` with the error (or clear it with null).
export function showError(slot, err) {
  clear(slot);
  if (err) slot.append(errorBox(err));
}

export function toast(text, kind = 'info', ms = 6000) {
  const box = document.getElementById('toasts');
  const t = el('div', { class: `toast toast-${kind}` }, text);
  box.append(t);
  setTimeout(() => t.remove(), ms);
  return t;
}

export function setTitle(...parts) {
  document.title = [...parts.filter(Boolean), 'Gavel'].join(' · ');
}

// ---- time -------------------------------------------------------------------------------
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
export function fmtDuration(s) {
  s = Math.max(0, Math.floor(s));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const pad = (x) => String(x).padStart(2, '0');
  return (d ? `${d}d ` : '') + `${pad(h)}:${pad(m)}:${pad(sec)}`;
}
// Server clock offset: pages that get `server_time` call syncClock() so countdowns use it.
let clockSkewMs = 0;
export function syncClock(serverIso) {
  const t = Date.parse(serverIso);
  if (!isNaN(t)) clockSkewMs = t - Date.now();
}
export const now = () => Date.now() + clockSkewMs;

// Live countdown text in `node` to `targetIso`; returns a stop function.
export function countdown(node, targetIso, prefix = '', onZero) {
  const target = Date.parse(targetIso);
  let fired = false;
  const tick = () => {
    const left = (target - now()) / 1000;
    node.textContent = prefix + fmtDuration(left);
    if (left <= 0 && !fired) { fired = true; if (onZero) onZero(); }
  };
  tick();
  const id = setInterval(tick, 1000);
  return () => clearInterval(id);
}

// ---- verdicts -----------------------------------------------------------------------------
export const VERDICT_NAMES = {
  AC: 'Accepted', WA: 'Wrong answer', TLE: 'Time limit exceeded', MLE: 'Memory limit exceeded',
  RTE: 'Run-time error', OLE: 'Output limit exceeded', CE: 'Compilation error', JE: 'Judging error',
};
// The status a submission is in, as words: "Queued", "Compiling", "Running on test 7", "Accepted".
export function statusText(sub) {
  if (!sub) return '';
  if (sub.status === 'done') return VERDICT_NAMES[sub.verdict] || sub.verdict || 'Done';
  if (sub.status === 'running') return sub.test ? `Running on test ${sub.test}` : 'Running';
  if (sub.status === 'compiling') return 'Compiling';
  return 'Queued';
}
// A badge that reads the same without colour: the verdict code is always in the text.
export function verdictBadge(sub) {
  const done = sub.status === 'done';
  const v = done ? sub.verdict : sub.status;
  const cls = done ? (sub.verdict === 'AC' ? 'ok' : sub.verdict === 'CE' ? 'warn' : 'bad') : 'pending';
  return el('span', { class: `badge badge-${cls}`, dataset: { verdict: v || '' } },
    done ? `${sub.verdict} · ${statusText(sub)}` : statusText(sub));
}

export function table(headers, rows, opts = {}) {
  return el('div', { class: 'table-wrap' },
    el('table', { class: opts.class || '' },
      opts.caption ? el('caption', {}, opts.caption) : null,
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows)));
}

// A form field: label + input (or given control) + hint; ids derived from name.
export function field(label, control, hint) {
  const id = control.id || `f-${control.name || Math.random().toString(36).slice(2)}`;
  control.id = id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), control,
    hint ? el('small', { class: 'hint' }, hint) : null);
}

// Render KaTeX math inside a node (server-rendered statements keep $...$ as text).
export function renderMath(node) {
  if (typeof window.renderMathInElement !== 'function') return;
  try {
    window.renderMathInElement(node, {
      delimiters: [
        { left: '$$', right: '$$', display: true },
        { left: '\\[', right: '\\]', display: true },
        { left: '$', right: '$', display: false },
        { left: '\\(', right: '\\)', display: false },
      ],
      throwOnError: false,
    });
  } catch (_) { /* a broken formula stays as text */ }
}

// A copy-to-clipboard button for `getText()`.
export function copyButton(getText, label = 'Copy') {
  const b = el('button', { type: 'button', class: 'btn btn-small' }, label);
  b.addEventListener('click', async () => {
    const text = getText();
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const ta = el('textarea', { class: 'sr-only' }); ta.value = text; document.body.append(ta);
      ta.select(); document.execCommand('copy'); ta.remove();
    }
    b.textContent = 'Copied';
    setTimeout(() => { b.textContent = label; }, 1500);
  });
  return b;
}
