// The storefront's only way to the shop: the public API under /api/v1. The token lives in
// sessionStorage (gone with the tab); a money-moving action carries an Idempotency-Key
// that is kept until its outcome is known, so pressing the button again after a lost
// answer repeats the same request and never pays twice.

import { explain } from './problems.js';

const BASE = '/api/v1';
const TOKEN = 'chance.token';
const KEYS = 'chance.keys';

/**
 * An RFC 9457 problem from the API, or a network failure (status 0). Its message is
 * what the customer reads, in Russian (problems.js), never the API's English detail.
 */
export class Problem extends Error {
  constructor(status, body, retryAfter) {
    super(explain(status, body, retryAfter));
    this.status = status;
    this.body = body || {};
    this.retryAfter = retryAfter;
  }
}

export function signedIn() {
  return sessionStorage.getItem(TOKEN) !== null;
}

function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN, token);
  else sessionStorage.removeItem(TOKEN);
}

/** Called when the API refuses the token (expired, revoked): the app asks to sign in. */
let onSignedOut = () => {};
export function whenSignedOut(fn) {
  onSignedOut = fn;
}

// The newest log position this client's writes reached: sent back so that any process
// of a fleet answers the next query with them applied (read-your-writes).
let position = 0;

/**
 * call('GET', '/cart') → the decoded answer (null for 204), or throws a Problem.
 * key: an Idempotency-Key; auth: send the token (default when signed in).
 */
export async function call(method, path, { body, key, auth = true } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = sessionStorage.getItem(TOKEN);
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  if (key) headers['Idempotency-Key'] = key;
  if (position > 0 && method === 'GET') headers['X-Chance-Min-Position'] = String(position);
  let res;
  try {
    res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new Problem(0, null);
  }
  const at = Number(res.headers.get('X-Chance-Position'));
  if (Number.isSafeInteger(at) && at > position) position = at;
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    // Refused: the session ended, unless this was an answer to a request sent before the
    // customer signed out (or in as someone else), which ends nothing now.
    if (res.status === 401 && auth && token && sessionStorage.getItem(TOKEN) === token) {
      setToken(null);
      onSignedOut();
    }
    const wait = Number(res.headers.get('Retry-After'));
    throw new Problem(res.status, data, Number.isSafeInteger(wait) && wait > 0 ? wait : undefined);
  }
  return data;
}

/** A UUID for an Idempotency-Key (crypto.randomUUID needs a secure context; this does not). */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// An outcome is unknown when the answer was lost, the shop failed, or the same key is
// still being worked on: only then is the request repeated with its key.
function outcomeUnknown(p) {
  return p.status === 0 || p.status >= 500 || p.body.type === 'urn:chance:problem:idempotency-key-in-flight';
}

/**
 * act('checkout', 'POST', '/cart/checkout', body): a money-moving action. Its key is
 * remembered (in sessionStorage, so it survives a reload) for this action and body until
 * an answer settles it; the same action with another body is a new request.
 */
export async function act(action, method, path, body) {
  const keys = JSON.parse(sessionStorage.getItem(KEYS) || '{}');
  const print = JSON.stringify([method, path, body ?? null]);
  if (!keys[action] || keys[action].print !== print) keys[action] = { print, key: newKey() };
  sessionStorage.setItem(KEYS, JSON.stringify(keys));
  try {
    const out = await call(method, path, { body, key: keys[action].key });
    forget(action);
    return out;
  } catch (e) {
    if (!(e instanceof Problem) || !outcomeUnknown(e)) forget(action);
    throw e;
  }
}

function forget(action) {
  const keys = JSON.parse(sessionStorage.getItem(KEYS) || '{}');
  delete keys[action];
  sessionStorage.setItem(KEYS, JSON.stringify(keys));
}

export async function signIn(email, password) {
  const out = await call('POST', '/login', { body: { email, password }, auth: false });
  setToken(out.token);
  return out;
}

// Everything this storefront keeps in the browser is named chance.…, and all of it is
// the signed-in customer's.
const PREFIX = 'chance.';

// forgetCustomer drops all the signed-in customer's state from both storages: the
// token, idempotency keys, a pending top-up (cart.js), and anything added later under
// PREFIX, so the next customer in this tab inherits none of it.
function forgetCustomer() {
  for (const store of [sessionStorage, localStorage]) {
    const mine = [];
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (k !== null && k.startsWith(PREFIX)) mine.push(k);
    }
    mine.forEach((k) => store.removeItem(k));
  }
}

export async function signOut() {
  try {
    await call('POST', '/logout');
  } finally {
    forgetCustomer();
  }
}
