// data.js — small caches over the API that several pages share.
import { api } from './api.js';

// Problem titles, fetched once per id per page load; a failure (hidden problem, 503) is not
// cached, so the next page asks again. → Promise<string | null>
const titles = new Map();
export function problemTitle(id) {
  const k = String(id);
  if (!titles.has(k)) {
    titles.set(k, api('GET', `/api/v1/problems/${encodeURIComponent(k)}`).then(
      (p) => (p && p.title) || null,
      () => { titles.delete(k); return null; }));
  }
  return titles.get(k);
}
// {id: title} for every id that has one.
export async function problemTitles(ids) {
  const out = {};
  await Promise.all([...new Set(ids.map(String))].map(async (id) => {
    const t = await problemTitle(id);
    if (t) out[id] = t;
  }));
  return out;
}
