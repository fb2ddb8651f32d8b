// api.js — the one way the app talks to the edge: JSON over fetch, the session token,
// and errors that always carry the API's own message.

const SESSION_KEY = 'gavel.session';

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

// The session survives reloads: {token, expires_at, user:{id, username, role}}.
export function session() {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
    if (s && s.token && (!s.expires_at || Date.parse(s.expires_at) > Date.now())) return s;
  } catch (_) { /* a damaged entry is the same as none */ }
  return null;
}
export function setSession(s) {
  if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else localStorage.removeItem(SESSION_KEY);
  window.dispatchEvent(new CustomEvent('gavel:session'));
}
export const user = () => (session() || {}).user || null;
export const isJury = () => ['jury', 'admin'].includes((user() || {}).role);
export const isAdmin = () => (user() || {}).role === 'admin';

async function errorFrom(res) {
  let code = 'http_' + res.status, message = `${res.status} ${res.statusText || 'error'}`;
  try {
    const j = await res.json();
    if (j && j.error) { code = j.error.code || code; message = j.error.message || message; }
  } catch (_) { /* not JSON: keep the status line */ }
  const ra = res.headers.get('Retry-After');
  return new ApiError(res.status, code, message, ra ? Number(ra) : undefined);
}

// api('GET', '/api/v1/problems') → parsed JSON (null for 204). Throws ApiError.
export async function api(method, path, body, opts = {}) {
  const headers = Object.assign({}, opts.headers || {});
  const s = session();
  if (s) headers['Authorization'] = 'Bearer ' + s.token;
  let payload;
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (body !== undefined) {
    payload = body;
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, signal: opts.signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Cannot reach the server: ' + e.message + '. Check your connection and retry.');
  }
  if (res.status === 401 && s && !opts.keepSession) setSession(null); // expired or revoked token
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

// Upload raw bytes with progress (fetch cannot report upload progress).
export function upload(path, blob, onProgress, contentType = 'application/zip') {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const s = session();
    if (s) xhr.setRequestHeader('Authorization', 'Bearer ' + s.token);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded, e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed: the server closed the connection or is unreachable.'));
    xhr.onload = () => {
      let j = null;
      try { j = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (_) { /* below */ }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(j);
      const e = j && j.error ? j.error : { code: 'http_' + xhr.status, message: `${xhr.status} ${xhr.statusText}` };
      reject(new ApiError(xhr.status, e.code, e.message));
    };
    xhr.send(blob);
  });
}
