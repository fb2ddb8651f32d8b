// live.js — one WebSocket to /api/v1/live shared by every page.
//
//   const stop = live.subscribe('contest/3', {
//     onEvent(ev) {...},        // {id, topic, type, data}
//     onSubscribed() {...},     // replay done (also after every reconnect): refetch state here
//     onError(err) {...},       // {code, message} the server refused the subscription with
//   });
//   stop();                     // unsubscribe
//
// After a drop the socket reconnects with backoff and resubscribes each topic with `since` =
// the last event id seen (and `since_own` = the last `own_id`: a contestant's own events are
// numbered apart from the public ones, docs/CONTESTS.md), so nothing is skipped. live.state() / 'gavel:live' events report
// 'connecting' | 'live' | 'offline' for the indicator in the header.
import { session } from './api.js';

const subs = new Map(); // topic -> {handlers:Set, last:number|undefined, lastOwn:number|undefined}
let ws = null, state = 'offline', retry = 0, timer = null;

function setState(s) {
  if (s === state) return;
  state = s;
  window.dispatchEvent(new CustomEvent('gavel:live', { detail: s }));
}
export const liveState = () => state;

function send(obj) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj));
}
function subscribeMsg(topic, entry) {
  const m = { subscribe: topic };
  if (entry.last !== undefined) m.since = entry.last;
  if (entry.last !== undefined && entry.lastOwn !== undefined) m.since_own = entry.lastOwn;
  const s = session();
  if (s) m.token = s.token;
  return m;
}

function connect() {
  if (ws || subs.size === 0) return;
  clearTimeout(timer);
  setState('connecting');
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const sock = new WebSocket(`${proto}//${location.host}/api/v1/live`);
  ws = sock;
  sock.onopen = () => {
    retry = 0;
    setState('live');
    for (const [topic, entry] of subs) { entry.confirmed = false; send(subscribeMsg(topic, entry)); }
  };
  sock.onmessage = (m) => {
    let j;
    try { j = JSON.parse(m.data); } catch (_) { return; }
    if (j.subscribed) {
      const e = subs.get(j.subscribed);
      if (e) {
        e.confirmed = true;
        for (const h of e.handlers) h.onSubscribed && h.onSubscribed();
      }
    } else if (j.error) {
      const topic = j.error.topic || j.topic;
      for (const [t, e] of subs) {
        if (topic && t !== topic) continue;
        for (const h of e.handlers) h.onError && h.onError(j.error);
      }
    } else if (j.topic) {
      const e = subs.get(j.topic);
      if (!e) return;
      if (typeof j.own_id === 'number') {
        if (e.lastOwn === undefined || j.own_id > e.lastOwn) e.lastOwn = j.own_id;
        if (e.last === undefined) e.last = j.id; // the public event it follows (maybe 0)
      } else if (typeof j.id === 'number' && (e.last === undefined || j.id > e.last)) e.last = j.id;
      for (const h of e.handlers) h.onEvent && h.onEvent(j);
    }
  };
  sock.onclose = () => {
    if (ws !== sock) return; // a socket we replaced or closed on purpose
    ws = null;
    for (const e of subs.values()) e.confirmed = false;
    if (subs.size === 0) { setState('offline'); return; }
    setState('connecting');
    const delay = Math.min(10000, 500 * 2 ** Math.min(retry++, 5)) * (0.75 + Math.random() / 2);
    timer = setTimeout(connect, delay);
  };
}

export function subscribe(topic, handler) {
  let e = subs.get(topic);
  const fresh = !e;
  if (!e) { e = { handlers: new Set(), last: undefined, confirmed: false }; subs.set(topic, e); }
  e.handlers.add(handler);
  if (!ws) connect();
  else if (fresh) send(subscribeMsg(topic, e));
  // A second handler on a topic already confirmed hears it now; otherwise with everyone else.
  else if (handler.onSubscribed && e.confirmed) setTimeout(() => { if (e.handlers.has(handler)) handler.onSubscribed(); }, 0);
  return () => {
    const cur = subs.get(topic);
    if (!cur) return;
    cur.handlers.delete(handler);
    if (cur.handlers.size === 0) {
      subs.delete(topic);
      send({ unsubscribe: topic });
      if (subs.size === 0 && ws) { const s = ws; ws = null; s.close(1000); setState('offline'); }
    }
  };
}

// A new session (sign in/out) changes what the server may show: resubscribe everything.
window.addEventListener('gavel:session', () => {
  if (ws) { const s = ws; ws = null; s.close(1000); }
  for (const e of subs.values()) { e.last = undefined; e.lastOwn = undefined; e.confirmed = false; }
  connect();
});
