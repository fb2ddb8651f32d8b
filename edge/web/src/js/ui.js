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
    else if (k === 'trustedHtml') n.innerHTML = v; // only the server's statement_html (cmark, safe mode)
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

// A message in the corner (announced politely). It stays while hovered or focused and has
// a Dismiss button, so nobody has to read against a clock.
export function toast(text, kind = 'info', ms = 8000) {
  const box = document.getElementById('toasts');
  const close = el('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss' }, '×');
  const t = el('div', { class: `toast toast-${kind}` }, el('span', {}, text), close);
  close.addEventListener('click', () => t.remove());
  let timer = null;
  const arm = () => { clearTimeout(timer); timer = setTimeout(() => t.remove(), ms); };
  t.addEventListener('mouseenter', () => clearTimeout(timer));
  t.addEventListener('focusin', () => clearTimeout(timer));
  t.addEventListener('mouseleave', arm);
  t.addEventListener('focusout', arm);
  box.append(t);
  arm();
  return t;
}

// Runs `fn` with `btn` disabled (aria-busy) and its error shown in `slot` (the API's own
// message). Returns fn's result, or undefined when it failed or the page was left.
export async function busy(btn, slot, fn) {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  if (slot) showError(slot, null);
  try {
    return await fn();
  } catch (e) {
    if (e && e.name === 'AbortError') return undefined;
    if (slot) showError(slot, e);
    else throw e;
    return undefined;
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  }
}

// latest(fn) → a loader whose calls are numbered: fn(fresh, ...args) gets `fresh()`, true
// only while no later call has started, so a slow answer never draws over a newer one.
export function latest(fn) {
  let seq = 0;
  return (...args) => { const my = ++seq; return fn(() => my === seq, ...args); };
}

// « ← Previous · Page n of m · Next → » with buttons; go(n) shows page n (1-based).
export function pager(page, pages, go, { label = 'Pages', extra = null } = {}) {
  if (pages <= 1) return null;
  const b = (text, to, enabled, rel) => el('button', { type: 'button', class: 'btn btn-small', disabled: !enabled, 'data-rel': rel,
    onclick: () => go(to) }, text);
  return el('nav', { class: 'row pager', 'aria-label': label },
    b('← Previous', page - 1, page > 1, 'prev'), el('span', {}, `Page ${page} of ${pages}`),
    b('Next →', page + 1, page < pages, 'next'), extra);
}

// "Sign in" link that comes back to this page afterwards.
export function signInLink(text = 'Sign in') {
  return link('/signin?next=' + encodeURIComponent(location.pathname + location.search), text);
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

// Limits, one way everywhere: 1 s / 250 ms; 256 MiB / 512 KiB (the API counts KiB as "kb").
export function fmtTimeLimit(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${ms} ms`;
}
export function fmtMemory(kb) {
  if (kb === null || kb === undefined || kb === '') return '—';
  if (kb >= 1024 * 1024) return `${+(kb / 1024 / 1024).toFixed(2)} GiB`;
  if (kb >= 1024) return `${+(kb / 1024).toFixed(1)} MiB`;
  return `${kb} KiB`;
}

// ---- contests ---------------------------------------------------------------------------
// A contest's state in words, its badge class, and what its countdown counts to.
export function contestState(c) {
  switch (c.state) {
    case 'scheduled': return { words: 'Not started yet', cls: 'pending', target: c.start_time, prefix: 'Starts in ' };
    case 'running': return { words: 'Running', cls: 'ok', target: c.end_time, prefix: 'Ends in ' };
    case 'frozen': return { words: 'Running · scoreboard frozen', cls: 'ok', target: c.end_time, prefix: 'Ends in ' };
    case 'ended': return { words: 'Ended', cls: 'warn', target: null };
    case 'finalized': return { words: 'Ended · results final', cls: 'warn', target: null };
    default: return { words: String(c.state || 'unknown'), cls: 'pending', target: null };
  }
}
const SCORING = { icpc: 'ICPC', ioi: 'IOI', cf: 'Codeforces' };
export const scoringName = (s) => SCORING[s] || String(s || '').toUpperCase();

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
