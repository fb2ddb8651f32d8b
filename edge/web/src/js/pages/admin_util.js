// admin_util.js — small helpers shared by the admin/jury pages.
import { api } from '../api.js';
import { el, clear, busy } from '../ui.js';

// While `fn` runs, `btn` reads `text` ("Saving…"); its label comes back afterwards. Used
// inside ui.busy (which disables the button but never touches its text).
export async function relabel(btn, text, fn) {
  const old = btn.textContent;
  btn.textContent = text;
  try {
    return await fn();
  } finally {
    btn.textContent = old;
  }
}

// A button that asks before it acts, in the page (no window.confirm): clicking shows the
// question with "confirm" and "Cancel" buttons; the action's error appears right there.
export function confirmAction({ label, question, confirmLabel, run, danger = false, testid }) {
  const wrap = el('div', { class: 'confirm-wrap' });
  const open = el('button', { type: 'button', class: `btn${danger ? ' btn-danger' : ''}`, 'data-testid': testid || null }, label);
  const errs = el('div');
  const render = (asking) => {
    clear(wrap);
    if (!asking) { wrap.append(open, errs); return; }
    const yes = el('button', { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}` }, confirmLabel || label);
    const no = el('button', { type: 'button', class: 'btn' }, 'Cancel');
    no.addEventListener('click', () => { render(false); open.focus(); });
    yes.addEventListener('click', async () => {
      no.disabled = true;
      const ok = await busy(yes, errs, async () => { await run(); return true; });
      no.disabled = false;
      if (ok !== undefined) render(false);
    });
    wrap.append(el('div', { class: 'confirm-box', role: 'group', 'aria-label': label },
      el('p', {}, question), el('div', { class: 'row' }, yes, no)), errs);
    yes.focus();
  };
  open.addEventListener('click', () => render(true));
  render(false);
  return wrap;
}

// Success / information note (role=status so it is announced).
export const note = (...children) => el('div', { class: 'info-box', role: 'status' }, ...children);

// Unique-ish DOM ids for repeated controls.
let seq = 0;
export const uid = (p) => `${p}-${++seq}`;

// "1:30" or "90" → minutes; null when neither.
export function parseMinutes(s) {
  s = String(s || '').trim();
  let m;
  if ((m = /^(\d+)$/.exec(s))) return Number(m[1]);
  if ((m = /^(\d+):([0-5]?\d)$/.exec(s))) return Number(m[1]) * 60 + Number(m[2]);
  return null;
}
export function minutesText(min) {
  const h = Math.floor(min / 60), m = min % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}` : String(m);
}

// <input type=datetime-local> value (local time) ↔ RFC 3339 UTC.
export function localInputValue(date) {
  const pad = (x) => String(x).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
export function localToRfc3339(value) {
  if (!value) return null;
  const d = new Date(value); // datetime-local values parse as local time
  return isNaN(d) ? null : d.toISOString().replace(/\.000Z$/, 'Z');
}
export function timezoneText() {
  let name = '';
  try { name = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (_) { /* none */ }
  const off = -new Date().getTimezoneOffset();
  const sign = off >= 0 ? '+' : '−';
  const a = Math.abs(off);
  const utc = `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return name && name !== 'UTC' && name !== 'Etc/UTC' ? `${name} (${utc})` : utc;
}

export const hhmmss = (d = new Date()) => d.toLocaleTimeString(undefined, { hour12: false });

// Saves the form's body: PUT /api/v1/<collection>/<id> when editing (a 204 still counts as
// success), POST /api/v1/<collection> when creating. With `btn` busy ("Saving…"/"Creating…")
// and the API's error in `errs`. → {id} on success, undefined on failure.
export function saveResource(btn, errs, collection, id, body) {
  return busy(btn, errs, () => relabel(btn, id ? 'Saving…' : 'Creating…', async () => {
    if (id) {
      await api('PUT', `/api/v1/${collection}/${encodeURIComponent(id)}`, body);
      return { id };
    }
    return api('POST', `/api/v1/${collection}`, body);
  }));
}
