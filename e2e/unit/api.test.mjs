// The storefront's Idempotency-Key rule (infra/web/static/api.js): a money-moving action
// keeps its key while its outcome is unknown (no answer, a 5xx, the same key still in
// flight), so pressing again repeats the same request; an answer settles it, and the
// next press is a new request. Run by node:test with a stand-in fetch and sessionStorage.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

// A stand-in Storage over a Map (getItem, setItem, removeItem, key, length).
function storage(store) {
  return {
    getItem: (k) => (store.has(k) ? store.get(k) : null),
    setItem: (k, v) => store.set(k, String(v)),
    removeItem: (k) => store.delete(k),
    key: (i) => [...store.keys()][i] ?? null,
    get length() { return store.size; },
  };
}
const store = new Map();
const local = new Map();
globalThis.sessionStorage = storage(store);
globalThis.localStorage = storage(local);
let answers = []; // what the stand-in fetch does next: a status and body, or 'network'
const sent = [];
globalThis.fetch = async (url, init) => {
  sent.push({ url, key: init.headers['Idempotency-Key'], auth: init.headers.Authorization, body: init.body });
  const a = answers.shift();
  if (a === 'network') throw new TypeError('Failed to fetch');
  return new Response(a.status === 204 ? null : JSON.stringify(a.body ?? {}), { status: a.status, headers: a.headers });
};
const { act, call, Problem, signOut } = await import('../../infra/web/static/api.js');

beforeEach(() => {
  store.clear();
  local.clear();
  store.set('chance.token', 'T');
  sent.length = 0;
});

async function press(...outcomes) {
  answers = outcomes;
  try {
    return await act('checkout', 'POST', '/cart/checkout', { expected_total: 100 });
  } catch (e) {
    assert.ok(e instanceof Problem);
    return e;
  }
}

test('a lost answer, a 5xx or a request in flight: the next press repeats the same key', async () => {
  await press('network');
  await press({ status: 503, body: { detail: 'starting' } });
  await press({ status: 409, body: { type: 'urn:chance:problem:idempotency-key-in-flight', detail: 'still' } });
  const out = await press({ status: 201, body: { order_id: 'o' } });
  assert.equal(out.order_id, 'o');
  assert.equal(new Set(sent.map((s) => s.key)).size, 1, 'one key for all four tries');
  assert.match(sent[0].key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(sent[0].auth, 'Bearer T');
  await press({ status: 201, body: { order_id: 'p' } });
  assert.notEqual(sent[4].key, sent[3].key, 'after a success, the next press is a new request');
});

test('an answer that settles it (402, 409 price changed): the next press is a new request', async () => {
  const declined = await press({ status: 402, body: { type: 'urn:chance:problem:insufficient-funds', detail: 'the balance is short', shortfall: 50 } });
  assert.equal(declined.status, 402);
  assert.equal(declined.message, 'Не хватает 0,50\u00a0₽: пополните баланс.', 'told in Russian (problems.js), not the API\'s detail');
  await press({ status: 409, body: { type: 'urn:chance:problem:price-changed', detail: 'цена изменилась' } });
  await press({ status: 201, body: {} });
  assert.equal(new Set(sent.map((s) => s.key)).size, 3);
});

test('a refusal is told in Russian, with the wait from Retry-After; no answer at all too', async () => {
  answers = [{ status: 429, body: { type: 'about:blank', status: 429, detail: 'slow down' }, headers: { 'Retry-After': '7' } }, 'network'];
  await assert.rejects(call('GET', '/cart'), (e) => e.status === 429 && e.retryAfter === 7
    && e.message === 'Слишком много попыток. Повторите через 7 секунд.');
  await assert.rejects(call('GET', '/cart'), (e) => e.status === 0 && e.message === 'Нет связи с магазином. Проверьте соединение и повторите.');
});

test('the same action with another body is a new request', async () => {
  answers = ['network', { status: 201, body: {} }];
  await act('fill', 'POST', '/billing/fill', { summ: 100 }).catch(() => {});
  await act('fill', 'POST', '/billing/fill', { summ: 200 });
  assert.notEqual(sent[0].key, sent[1].key);
});

test('a refused token signs the tab out', async () => {
  answers = [{ status: 401, body: { detail: 'token expired' } }];
  await assert.rejects(call('GET', '/cart'), (e) => e.status === 401 && e.message === 'Сессия закончилась: войдите снова.');
  assert.equal(sessionStorage.getItem('chance.token'), null);
});

test('a refusal of a request sent before signing out (or in as someone else) ends no session', async () => {
  const stand = globalThis.fetch;
  globalThis.fetch = async () => {
    store.set('chance.token', 'U'); // meanwhile: signed out, and in as another customer
    return new Response(JSON.stringify({ detail: 'revoked' }), { status: 401 });
  };
  try {
    await assert.rejects(call('GET', '/cart'), (e) => e.status === 401);
  } finally {
    globalThis.fetch = stand;
  }
  assert.equal(sessionStorage.getItem('chance.token'), 'U', 'the new session stays');
});

test('signing out forgets everything of the customer in both storages', async () => {
  store.set('chance.keys', JSON.stringify({ fill: { print: '[]', key: 'k' } }));
  store.set('chance.pending-topup', JSON.stringify({ id: 'p', back: '#/checkout' }));
  local.set('chance.later', 'x');
  store.set('other.app', 'kept');
  answers = [{ status: 204 }];
  await signOut();
  assert.equal(sent.at(-1).url, '/api/v1/logout');
  assert.equal(sent.at(-1).auth, 'Bearer T', 'the token being revoked is sent');
  assert.deepEqual([...store.keys(), ...local.keys()], ['other.app']);
});

test('signing out forgets the customer even when the shop cannot be reached', async () => {
  store.set('chance.pending-topup', '{}');
  answers = ['network'];
  await assert.rejects(signOut(), (e) => e.status === 0);
  assert.deepEqual([...store.keys()], []);
});
