// contests_clar.js — /contests/:id/clarifications, and the announcements panel every contest
// page can show.
import { api, user, isJury } from '../api.js';
import { el, clear, link, field, showError, setTitle, fmtTime, latest, busy, signInLink } from '../ui.js';
import { mountContest, contestTitles, problemName, debounced, keepFocus, errorBoxFor } from './contests_common.js';

const byNewest = (a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || Number(b.id) - Number(a.id);

// One announcement. The jury page passes {tag:'article', cls, recipient} ("to user 7").
export function announcementItem(a, { tag = 'li', cls = '', recipient = null } = {}) {
  const to = recipient !== null ? el('span', {}, recipient)
    : a.to_user_id ? el('span', { class: 'badge badge-warn' }, 'To you only') : null;
  return el(tag, { class: `cn-announcement ${cls}`, 'data-testid': `clar-${a.id}` },
    el('div', { class: 'spread cn-clar-meta' },
      el('strong', {}, a.title || 'Announcement'),
      el('span', { class: 'muted' }, to, ' ',
        el('time', { datetime: a.created_at }, fmtTime(a.created_at)))),
    el('p', { class: 'cn-clar-text' }, a.answer || a.question || ''));
}

// Announcements panel: {box, reload()}; hidden while there are none.
export function announcementsPanel(ctx, contestId) {
  const list = el('ul', { class: 'cn-clar-list' });
  const errs = el('div', {});
  const box = el('section', { class: 'card cn-announcements', 'aria-labelledby': 'ann-h', hidden: true, 'data-testid': 'announcements' },
    el('h2', { id: 'ann-h' }, 'Announcements'), errs, list);
  // latest(): the first load, the refetch on subscribing and one per event may overlap
  const reload = latest(async (fresh) => {
    try {
      const r = await api('GET', `/api/v1/contests/${encodeURIComponent(contestId)}/announcements`, undefined, { signal: ctx.signal });
      if (!fresh()) return;
      const items = (r.items || []).slice().sort(byNewest);
      showError(errs, null);
      clear(list).append(...items.map((a) => announcementItem(a)));
      box.hidden = items.length === 0;
    } catch (e) {
      if (e.name === 'AbortError' || !fresh()) return;
      box.hidden = false;
      clear(errs).append(errorBoxFor(e, 'Could not load the announcements', () => reload()));
    }
  });
  return { box, reload };
}

// One question with its answer, as contestants see it. The jury page adds {tag, cls,
// badges (its own status marks, replacing Public/Private), extra (the answer form)}.
export function clarItem(q, me, labelTitle, { tag = 'li', cls = '', badges = null, extra = null } = {}) {
  const mine = me && String(q.from_user_id) === String(me.id);
  const about = q.label ? labelTitle(q.label) : 'General';
  return el(tag, { class: `cn-clar${q.answer ? ' cn-answered' : ' open'}${mine ? ' mine' : ''} ${cls}`, 'data-testid': `clar-${q.id}` },
    el('div', { class: 'spread cn-clar-meta' },
      el('span', {}, el('strong', {}, about), ' · ',
        mine ? 'asked by you' : q.username ? `asked by ${q.username}` : 'asked by a contestant'),
      el('span', { class: 'muted' },
        badges || el('span', { class: `badge ${q.public ? 'badge-ok' : 'badge-pending'}` }, q.public ? 'Public' : 'Private'), ' ',
        el('time', { datetime: q.created_at }, fmtTime(q.created_at)))),
    el('p', { class: 'cn-clar-text' }, el('span', { class: 'sr-only' }, 'Question: '), q.question || ''),
    q.answer
      ? el('div', { class: 'cn-clar-answer', 'data-testid': 'clar-answer' },
        el('strong', {}, 'Answer: '), el('span', { class: 'cn-clar-text' }, q.answer),
        q.answered_at ? el('span', { class: 'muted' }, ' · ', el('time', { datetime: q.answered_at }, fmtTime(q.answered_at))) : null)
      : extra ? null : el('p', { class: 'cn-clar-awaiting' }, el('span', { class: 'badge badge-warn' }, '… Awaiting answer')),
    extra);
}

export async function contestClarifications(ctx) {
  const id = ctx.params.id;
  const me = user();
  const listSlot = el('div', {}, el('p', { class: 'loading' }, 'Loading the clarifications…'));
  const annSlot = el('div', {});
  const refetch = debounced(ctx, () => load(), 200);
  const h = await mountContest(ctx, {
    tab: 'clarifications',
    onEvent(ev) { if (ev.type === 'clarification' || ev.type === 'announcement') refetch(); },
    onSubscribed: () => refetch(),
  });
  if (!h) return;
  const c = h.contest;
  setTitle('Clarifications', c.title);
  let titles = {};
  const labelTitle = (label) => {
    const p = (c.problems || []).find((x) => x.label === label);
    return p && titles[p.problem_id] ? `${label}. ${titles[p.problem_id]}` : `Problem ${label}`;
  };

  // the form
  let formBox;
  if (!me) {
    formBox = el('section', { class: 'card' }, el('h2', {}, 'Ask a question'),
      el('p', {}, signInLink('Sign in'), ' to ask the jury a question.'));
  } else if (isJury()) {
    formBox = el('section', { class: 'info-box' }, 'You are on the jury: answer questions and post announcements in ',
      link(`/admin/contests/${encodeURIComponent(id)}/clarifications`, 'the jury\u2019s clarifications page'), '.');
  } else {
    const sel = el('select', { name: 'problem' }, el('option', { value: '' }, 'General'),
      (c.problems || []).map((p) => el('option', { value: p.problem_id, dataset: { label: p.label } }, `Problem ${p.label}`)));
    sel.id = 'clar-problem';
    const ta = el('textarea', { name: 'text', rows: 4, required: true, maxlength: 4000 });
    ta.id = 'clar-text';
    const errs = el('div', {});
    const note = el('p', { class: 'muted', 'aria-live': 'polite' });
    const btn = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Ask');
    const form = el('form', { class: 'card cn-clar-form', novalidate: true }, el('h2', {}, 'Ask a question'),
      el('p', { class: 'muted' }, 'The jury answers you privately, or everyone when the answer matters to all.'),
      field('About', sel), field('Your question', ta), errs, el('div', { class: 'row' }, btn, note));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = ta.value.trim();
      if (!text) { showError(errs, { message: 'Write your question first.' }); ta.focus(); return; }
      note.textContent = 'Sending…';
      busy(btn, errs, async () => {
        const body = { text };
        if (sel.value) body.problem_id = sel.value;
        try {
          await api('POST', `/api/v1/contests/${encodeURIComponent(id)}/clarifications`, body, { signal: ctx.signal });
        } catch (err) {
          note.textContent = '';
          throw err;
        }
        ta.value = '';
        note.textContent = 'Sent. The answer will appear below (and pop up while you are on a contest page).';
        load();
      });
    });
    formBox = form;
    contestTitles(c).then((t) => {
      titles = t;
      for (const o of sel.options) if (o.value) o.textContent = problemName((c.problems || []).find((p) => String(p.problem_id) === o.value), t);
    });
  }

  h.body.append(el('div', { class: 'cn-clar-layout' },
    el('div', {}, el('h2', {}, 'Questions and answers'), listSlot), el('div', {}, formBox, annSlot)));

  let last = null;
  function render() {
    if (!last) return;
    const items = last;
    const qs = items.filter((x) => x.kind !== 'announcement').sort(byNewest);
    const anns = items.filter((x) => x.kind === 'announcement').sort(byNewest);
    keepFocus(listSlot, () => clear(listSlot).append(qs.length
      ? el('ul', { class: 'cn-clar-list', 'data-testid': 'clar-list' }, qs.map((q) => clarItem(q, me, labelTitle)))
      : el('p', { class: 'muted', 'data-testid': 'clar-empty' }, me ? 'No questions yet. Questions you ask, and public answers, appear here.' : 'No public clarifications yet.')));
    clear(annSlot).append(el('section', { class: 'card cn-announcements', 'aria-labelledby': 'clar-ann-h' }, el('h2', { id: 'clar-ann-h' }, 'Announcements'),
      anns.length ? el('ul', { class: 'cn-clar-list' }, anns.map((a) => announcementItem(a))) : el('p', { class: 'muted' }, 'No announcements yet.')));
  }
  const load = latest(async (fresh) => {
    try {
      const r = await api('GET', `/api/v1/contests/${encodeURIComponent(id)}/clarifications`, undefined, { signal: ctx.signal });
      if (!fresh()) return;
      last = r.items || [];
      render();
    } catch (e) {
      if (e.name === 'AbortError' || !fresh()) return;
      clear(listSlot).append(errorBoxFor(e, 'Could not load the clarifications', () => load()));
    }
  });
  contestTitles(c).then((t) => { titles = t; render(); });
  await load();
}
