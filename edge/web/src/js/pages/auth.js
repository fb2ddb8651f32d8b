// auth.js — sign in, sign up.
import { api, setSession } from '../api.js';
import { el, field, link, busy, setTitle } from '../ui.js';

// Where to go after signing in: `?next=` when it is a path on this site, else the contests.
function nextPath(ctx) {
  const n = ctx.query.get('next');
  if (!n) return '/contests';
  try {
    const u = new URL(n, location.origin);
    if (u.origin === location.origin) return u.pathname + u.search + u.hash;
  } catch (_) { /* not a URL */ }
  return '/contests';
}

// The form's action runs with the button busy; its failure is shown in `errs`.
function onSubmit(form, btn, errs, action) {
  form.addEventListener('submit', (e) => { e.preventDefault(); busy(btn, errs, action); });
}

async function login(username, password) {
  const r = await api('POST', '/api/v1/auth/login', { username, password });
  setSession({ token: r.token, expires_at: r.expires_at, user: r.user });
}

export async function signIn(ctx) {
  setTitle('Sign in');
  const errs = el('div', { class: 'form-errors' });
  const u = el('input', { name: 'username', autocomplete: 'username', required: true });
  const p = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const btn = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');
  const form = el('form', { class: 'card narrow', novalidate: true }, el('h1', {}, 'Sign in'), errs,
    field('Username', u), field('Password', p), btn,
    el('p', {}, 'No account yet? ', link('/signup' + (ctx.query.get('next') ? '?next=' + encodeURIComponent(ctx.query.get('next')) : ''), 'Sign up'), '.'));
  onSubmit(form, btn, errs, async () => {
    await login(u.value.trim(), p.value);
    ctx.navigate(nextPath(ctx), { replace: true });
  });
  ctx.root.append(form);
  u.focus();
}

export async function signUp(ctx) {
  setTitle('Sign up');
  const errs = el('div', { class: 'form-errors' });
  const u = el('input', { name: 'username', autocomplete: 'username', required: true });
  const d = el('input', { name: 'display_name', autocomplete: 'name' });
  const p = el('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true });
  const btn = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Create account');
  const form = el('form', { class: 'card narrow', novalidate: true }, el('h1', {}, 'Sign up'), errs,
    field('Username', u, 'Letters, digits, "_" and "-".'), field('Display name (optional)', d),
    field('Password', p), btn,
    el('p', {}, 'Already registered? ', link('/signin', 'Sign in'), '.'));
  onSubmit(form, btn, errs, async () => {
    const body = { username: u.value.trim(), password: p.value };
    if (d.value.trim()) body.display_name = d.value.trim();
    await api('POST', '/api/v1/auth/register', body);
    await login(body.username, body.password);
    ctx.navigate(nextPath(ctx), { replace: true });
  });
  ctx.root.append(form);
  u.focus();
}
