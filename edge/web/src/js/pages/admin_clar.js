// admin_clar.js — /admin/contests/:id/clarifications (jury): every question of the contest,
// unanswered first, with answer forms; the announcement form; live via contest/<id>.
import { announcementItem, clarItem } from './contests_clar.js';
import { api } from '../api.js';
import { subscribe } from '../live.js';
import { el, link, field, showError, clear, setTitle, errorBox, fmtTime, toast, busy, latest, syncClock } from '../ui.js';
import { relabel, hhmmss, uid } from './admin_util.js';

export async function juryClarifications(ctx) {
  const cid = ctx.params.id;
  setTitle(`Clarifications · contest ${cid}`);
  ctx.root.append(el('p', {}, link('/admin', '← Admin')));
  const h1 = el('h1', {}, `Clarifications — contest ${cid}`);
  const status = el('p', { class: 'muted', 'data-testid': 'clar-status', 'aria-live': 'off' }, 'Loading…');
  const errs = el('div');
  ctx.root.append(h1, el('p', { class: 'row' }, link(`/contests/${cid}`, 'Contest page'),
    link(`/contests/${cid}/scoreboard`, 'Scoreboard'), link(`/admin/contests/${cid}`, 'Edit contest')), status, errs);
  let problems = [];
  try {
    const c = await api('GET', `/api/v1/contests/${encodeURIComponent(cid)}`, undefined, { signal: ctx.signal });
    if (c.server_time) syncClock(c.server_time);
    h1.textContent = `Clarifications — ${c.title}`;
    setTitle('Clarifications', c.title);
    problems = c.problems || [];
  } catch (e) {
    if (e.name === 'AbortError') return;
    ctx.root.append(errorBox(e));
    status.textContent = '';
    return;
  }

  // Announcement form
  const aTitle = el('input', { name: 'announcement_title', maxlength: 256, autocomplete: 'off', placeholder: 'optional' });
  const aText = el('textarea', { name: 'announcement_text', rows: 3 });
  const aBtn = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Post announcement');
  const aErr = el('div', { 'data-testid': 'announce-errors' });
  const aOk = el('div', { 'aria-live': 'polite' });
  const aForm = el('form', { class: 'card announce-form', novalidate: true },
    el('h2', {}, 'Announce to everyone'),
    field('Title', aTitle), field('Announcement', aText, 'Every contestant sees it at once, as a notice on their contest pages.'),
    aErr, el('div', { class: 'row' }, aBtn, aOk));
  aForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(aOk);
    const body = { text: aText.value };
    if (aTitle.value.trim()) body.title = aTitle.value.trim();
    const r = await busy(aBtn, aErr, () => relabel(aBtn, 'Posting…',
      async () => (await api('POST', `/api/v1/contests/${encodeURIComponent(cid)}/announcements`, body)) || {}));
    if (!r) return;
    aText.value = ''; aTitle.value = '';
    aOk.append(el('span', { class: 'ok-text' }, `✓ Announced at ${hhmmss()}.`));
    refresh();
  });

  const unanswered = el('div', { class: 'clar-list', 'data-testid': 'clar-unanswered' });
  const answered = el('div', { class: 'clar-list', 'data-testid': 'clar-answered' });
  const announced = el('div', { class: 'clar-list', 'data-testid': 'clar-announcements' });
  const hU = el('h2', {}, 'Unanswered'), hA = el('h2', {}, 'Answered'), hN = el('h2', {}, 'Announcements');
  ctx.root.append(el('div', { class: 'clar-layout' },
    el('section', { class: 'clar-main' }, hU, unanswered, hA, answered),
    el('aside', { class: 'clar-side' }, aForm, hN, announced)));

  const nodes = new Map(); // id -> {node, sig}
  let first = true;
  const seen = new Set();
  const labelOf = (c) => c.label || (c.problem_id ? (problems.find((p) => String(p.problem_id) === String(c.problem_id)) || {}).label : null);

  const place = (container, list, emptyText) => {
    const want = list.map((c) => nodes.get(c.id).node);
    const have = [...container.children].filter((n) => n.dataset.clar);
    const same = want.length === have.length && want.every((n, i) => n === have[i]);
    if (same && container.children.length) return;
    const active = document.activeElement;
    const sel = active && 'selectionStart' in active ? [active.selectionStart, active.selectionEnd] : null;
    clear(container);
    if (!want.length) container.append(el('p', { class: 'muted' }, emptyText));
    container.append(...want);
    if (active && container.contains(active) && document.activeElement !== active) {
      active.focus();
      if (sel) try { active.setSelectionRange(sel[0], sel[1]); } catch (_) { /* not a text field */ }
    }
  };

  const render = (items) => {
    const fresh = [];
    for (const c of items) {
      const sig = JSON.stringify([c.answer, c.public, c.answered_at, c.question]);
      const old = nodes.get(c.id);
      if (!old || old.sig !== sig) {
        const isNew = !first && !seen.has(c.id);
        const node = c.kind === 'announcement' ? announcementNode(c) : clarNode(c, labelOf(c), isNew, refresh, cid);
        if (old) old.node.replaceWith(node);
        nodes.set(c.id, { node, sig });
        if (isNew && c.kind !== 'announcement') fresh.push(c);
      }
      seen.add(c.id);
    }
    const ids = new Set(items.map((c) => c.id));
    for (const [id, v] of nodes) if (!ids.has(id)) { v.node.remove(); nodes.delete(id); }
    const qs = items.filter((c) => c.kind !== 'announcement');
    const u = qs.filter((c) => !c.answer).sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    const a = qs.filter((c) => c.answer).sort((x, y) => Date.parse(y.answered_at || y.created_at) - Date.parse(x.answered_at || x.created_at));
    const n = items.filter((c) => c.kind === 'announcement').sort((x, y) => Date.parse(y.created_at) - Date.parse(x.created_at));
    hU.textContent = `Unanswered (${u.length})`;
    hA.textContent = `Answered (${a.length})`;
    hN.textContent = `Announcements (${n.length})`;
    place(unanswered, u, 'No open questions. New ones appear here as they are asked.');
    place(answered, a, 'Nothing answered yet.');
    place(announced, n, 'No announcements yet.');
    for (const c of fresh) toast(`New question from ${c.username || 'a contestant'}${labelOf(c) ? ` about ${labelOf(c)}` : ''}.`);
    first = false;
  };

  // Every call fetches; only the newest answer draws (an event burst or a reconnect can start
  // several at once, and a slow older answer must not overwrite a newer list).
  const refresh = latest(async (fresh) => {
    try {
      const r = await api('GET', `/api/v1/contests/${encodeURIComponent(cid)}/clarifications`, undefined, { signal: ctx.signal });
      if (!fresh()) return;
      showError(errs, null);
      render((r && r.items) || []);
      status.textContent = `Live · updated ${hhmmss()}`;
    } catch (e) {
      if (e.name === 'AbortError' || !fresh()) return;
      showError(errs, e);
      status.textContent = `Update failed at ${hhmmss()}`;
    }
  });

  await refresh();
  const stop = subscribe(`contest/${cid}`, {
    onSubscribed: () => refresh(),
    onEvent: (ev) => { if (ev.type === 'clarification' || ev.type === 'announcement') refresh(); },
    onError: (err) => showError(errs, { message: `Live updates are off: ${err.message || err.code}`, code: err.code }),
  });
  ctx.onCleanup(stop);
}

function announcementNode(c) {
  return announcementItem(c, { tag: 'article', cls: 'clar clar-announcement', recipient: c.to_user_id ? `to user ${c.to_user_id}` : 'to everyone' });
}

function clarNode(c, label, isNew, refresh, cid) {
  const badges = [
    c.answer ? el('span', { class: 'badge badge-ok' }, c.public ? '✓ Answered to everyone' : '✓ Answered privately')
      : el('span', { class: 'badge badge-warn' }, '? Unanswered'), ' ',
    isNew ? el('span', { class: 'badge badge-pending' }, '★ New') : null,
  ];
  const q = { ...c, label: label || c.label };
  const item = (extra) => clarItem(q, null, (l) => `Problem ${l}`, { tag: 'article', cls: `clar${c.answer ? '' : ' clar-open'}`, badges, extra });
  if (c.answer) return item(null);
  const ta = el('textarea', { name: 'answer', rows: 3, id: uid('ans') });
  const priv = el('button', { type: 'button', class: 'btn btn-primary' }, 'Answer privately');
  const pub = el('button', { type: 'button', class: 'btn' }, 'Answer to everyone');
  const errs = el('div');
  const send = (isPublic, btn) => async () => {
    const other = btn === priv ? pub : priv;
    other.disabled = true;
    const r = await busy(btn, errs, () => relabel(btn, 'Sending…',
      async () => (await api('POST', `/api/v1/contests/${encodeURIComponent(cid)}/clarifications`, { reply_to: c.id, text: ta.value, public: isPublic })) || {}));
    other.disabled = false;
    if (r) refresh();
  };
  priv.addEventListener('click', send(false, priv));
  pub.addEventListener('click', send(true, pub));
  return item(el('div', { class: 'clar-form' },
    el('label', { for: ta.id }, `Answer ${c.username || 'the contestant'}`), ta, errs,
    el('div', { class: 'row' }, priv, pub)));
}
