// The koa-jwt-kit pair-mode client in a few lines: no framework, no build step.
// The access token is kept in this module's memory only (never localStorage: any script on the
// page could read it there). The refresh token is an HttpOnly cookie the page never sees.

const CSRF_COOKIE = 'refresh_token_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

let access = null; // { token, exp } (exp in seconds since the epoch)
let refreshes = 0;

const $ = (id) => document.getElementById(id);

function log(text, error = false) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  if (error) item.className = 'error';
  $('log').append(item);
}

function readCookie(name) {
  const found = document.cookie.split('; ').find((pair) => pair.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : undefined;
}

function remember(token) {
  const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  access = { token, exp: payload.exp };
  tick();
}

function show(user) {
  const loggedIn = access !== null;
  $('status').textContent = loggedIn ? `logged in as ${user ?? 'you'}` : 'logged out';
  $('login').hidden = loggedIn;
  $('session').hidden = !loggedIn;
  if (!loggedIn) $('result').textContent = '';
}

const expired = () => access === null || access.exp * 1000 <= Date.now();

/**
 * The silent refresh: the browser sends the HttpOnly cookie, the page adds the CSRF header.
 * One tab at a time (Web Locks): two tabs presenting the same refresh token at once would look
 * like a stolen token being reused, and reuse detection would end the session in both.
 */
const refresh = () => (navigator.locks ? navigator.locks.request('koa-jwt-kit-refresh', refreshNow) : refreshNow());

async function refreshNow() {
  const csrf = readCookie(CSRF_COOKIE);
  if (!csrf) return false;
  const res = await fetch('/auth/token/refresh', { method: 'POST', headers: { [CSRF_HEADER]: csrf } });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    log(`refresh refused: ${res.status} ${body.error ?? ''}`, true);
    access = null;
    return false;
  }
  remember((await res.json()).token);
  refreshes += 1;
  $('refreshes').textContent = String(refreshes);
  log('silent refresh through the cookie: new access token');
  return true;
}

/** A call with the access token, refreshed first when it has expired (and once more on a 401 token_expired). */
async function api(path, init = {}) {
  if (expired() && !(await refresh())) throw new Error('logged out');
  const call = () => fetch(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${access.token}` } });
  let res = await call();
  if (res.status === 401 && (await res.clone().json()).error === 'token_expired' && (await refresh())) res = await call();
  return res;
}

async function login(event) {
  event.preventDefault();
  const form = new FormData($('login'));
  const res = await fetch('/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  });
  const body = await res.json();
  if (res.status !== 201) {
    log(`login refused: ${res.status} ${body.error}`, true);
    return;
  }
  remember(body.token);
  log('logged in: access token in memory, refresh token in an HttpOnly cookie');
  await me();
}

async function me() {
  try {
    const res = await api('/me');
    const body = await res.json();
    $('result').textContent = `GET /me → ${res.status}\n${JSON.stringify(body, null, 2)}`;
    show(body.username);
    log(`GET /me → ${res.status}`);
  } catch {
    show();
    log('GET /me: logged out', true);
  }
}

async function logout() {
  try {
    const res = await api('/auth/token/blacklist', { method: 'POST' });
    log(`logged out: POST /auth/token/blacklist → ${res.status}, cookies cleared`);
  } catch {
    log('logged out (the session had already ended)');
  }
  access = null;
  show();
}

function tick() {
  if (access === null) return;
  const left = Math.ceil(access.exp - Date.now() / 1000);
  $('expires').textContent = left > 0 ? `${left} s` : 'expired';
}

$('login').addEventListener('submit', login);
$('me').addEventListener('click', me);
$('logout').addEventListener('click', logout);
setInterval(tick, 250);

// A reload keeps the session: the cookie gives a new access token without asking for the password.
if (await refresh()) {
  log('page loaded: session restored through the refresh cookie');
  await me();
} else {
  show();
}
