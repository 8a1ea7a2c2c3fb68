// What the customer reads when the shop refuses a request (infra/web/static/problems.js),
// run by node:test: every problem the API document lists, and anything it does not,
// reads in Russian, never in the API's English.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { explain, FALLBACK, NETWORK, PATTERNS, say, TYPES } from '../../infra/web/static/problems.js';
import { rub } from '../../infra/web/static/format.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const openapiText = readFileSync(join(ROOT, 'infra/httpapi/openapi.json'), 'utf8');
const openapi = JSON.parse(openapiText);

/** Russian: some Cyrillic, and no Latin letter at all (₽, digits, punctuation are fine). */
function russian(text, what) {
  assert.equal(typeof text, 'string', what);
  assert.match(text, /[А-Яа-яЁё]/, `${what}: ${text}`);
  assert.doesNotMatch(text, /[A-Za-z]/, `${what}: ${text}`);
}

// The problem types the API document names, and the error statuses its operations answer.
const documented = [...new Set(openapiText.match(/urn:chance:problem:[a-z][a-z-]*[a-z]/g))].sort();
const statuses = [...new Set(Object.values(openapi.paths).flatMap((ops) => Object.values(ops))
  .filter((op) => op && op.responses).flatMap((op) => Object.keys(op.responses))
  .map(Number).filter((s) => s >= 400))].sort();

// Extension members as the server sends them, per type.
const T = 'urn:chance:problem:';
const extensions = {
  [`${T}insufficient-funds`]: [{ balance: 1000, needed: 50000, shortfall: 49000, currency: 'RUB' },
    { balance: 0, needed: 48000, shortfall: 48000, currency: 'RUB', payment_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' }],
  [`${T}price-changed`]: [{ total: 60000, quote: 60000, expected: 50000, currency: 'RUB' },
    { price: 30000, quote: 30000, expected: 25000, currency: 'RUB' }],
  [`${T}already-holding`]: [{ premiere_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', rental_id: '9b2e0f3c-1d2f-4a6b-8c0d-2e4f6a8b0c1d' },
    { premiere_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', rental_id: null }],
  [`${T}cart-already-paid`]: [{ order_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', payment_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' }],
  [`${T}too-many-attempts`]: [{ retry_after: 30 }, { retry_after: 600 }],
  [`${T}not-in-term`]: ['not_started', 'term_over', 'cancelled'].map((reason) =>
    ({ reason, starts_at: '2026-12-01T16:00:00Z', ends_at: '2026-12-03T16:00:00Z' })),
};

test('the document and problem.go name the same problem types', () => {
  const go = readFileSync(join(ROOT, 'infra/httpapi/problem.go'), 'utf8');
  const declared = [...new Set(go.match(/urn:chance:problem:[a-z][a-z-]*[a-z]/g))].sort();
  assert.ok(documented.length >= 25, `types found: ${documented}`);
  assert.deepEqual(documented, declared);
});

test('problems.js has a sentence of its own for every documented type, and for no other', () => {
  assert.deepEqual([...TYPES].sort(), documented);
});

test('every documented problem type reads in Russian, with any status and its extensions', () => {
  for (const type of documented) {
    for (const status of statuses) {
      const detail = 'an English detail the customer must not see';
      for (const ext of [{}, ...(extensions[type] || [])]) {
        const text = explain(status, { type, title: 'English Title', status, detail, ...ext });
        russian(text, `${type} ${status} ${JSON.stringify(ext)}`);
      }
    }
  }
});

test('every problem example in the API document reads in Russian', () => {
  const examples = [];
  (function walk(v) {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (typeof v.type === 'string' && Number.isInteger(v.status) && typeof v.detail === 'string') examples.push(v);
      Object.values(v).forEach(walk);
    }
  })(openapi);
  assert.ok(examples.length >= 8, `examples found: ${examples.length}`);
  for (const ex of examples) russian(explain(ex.status, ex), `${ex.type} ${ex.status}: ${ex.detail}`);
});

test('about:blank problems, unknown types and statuses, and no answer at all fall back to Russian', () => {
  for (const status of [...statuses, 405, 413, 418, 431, 502, 504, 599]) {
    russian(explain(status, { type: 'about:blank', title: 'Teapot', status, detail: 'something new and English' }), `about:blank ${status}`);
    russian(explain(status, null), `${status} without a body`);
    russian(explain(status, { type: `${T}invented-later`, status, detail: 'English' }), `unknown type ${status}`);
  }
  assert.equal(explain(418, { type: 'urn:else:what', status: 418, detail: 'I am a teapot' }), FALLBACK);
  assert.match(FALLBACK, /^Что-то пошло не так/);
  assert.equal(explain(0, null), NETWORK);
  assert.equal(say(new TypeError("Cannot read properties of undefined (reading 'x')")), FALLBACK);
  assert.equal(say('boom'), FALLBACK);
  assert.equal(say({ status: 402, body: { type: `${T}insufficient-funds`, shortfall: 100 } }), `Не хватает ${rub(100)}: пополните баланс.`);
});

test('validation: the member at fault is named in Russian', () => {
  const v = (detail) => explain(400, { type: `${T}validation`, status: 400, detail });
  assert.equal(v('period must be a whole number of hours from 1 to 720, got 0'), 'Проверьте срок: от 1 до 720 часов (30 дней).');
  assert.equal(v('query parameter period is required: the term in whole hours, from 1 to 720'), 'Проверьте срок: от 1 до 720 часов (30 дней).');
  assert.match(v('a term of 1 hours is too short to be priced'), /^Срок слишком короткий/);
  assert.match(v('this extension is too short to be priced: the added hours cost nothing under the rental\'s terms; extend by more hours'), /^Продление слишком короткое/);
  assert.match(v('starts_at 2020-01-01T00:00:00Z is in the past'), /^Время начала уже прошло/);
  assert.match(v('summ must be a whole number of kopecks from 1 to 100000000, got 0'), /^Проверьте сумму: от 0,01.₽ до 1.000.000,00.₽\.$/);
  assert.equal(v('password must be at least 8 characters long'), 'Пароль должен быть не короче 8 символов.');
  assert.equal(v('"anna@" is not an email address'), 'Проверьте адрес почты.');
  assert.match(v('phone "8999" is not an international number in E.164 form: + and 8 to 15 digits, such as +79991234567'), /^Проверьте номер телефона/);
  assert.match(v('first_name must have 1 to 100 characters'), /^Проверьте имя/);
  assert.equal(v('no rule for this yet'), 'Проверьте введённые данные.');
});

test('401: a wrong password at sign-in, else the session is over', () => {
  assert.equal(explain(401, { type: 'about:blank', status: 401, detail: 'the email or the password is wrong', instance: '/api/v1/login' }),
    'Неверная почта или пароль.');
  assert.equal(explain(401, { type: 'about:blank', status: 401, detail: 'the token has expired; sign in again', instance: '/api/v1/cart' }),
    'Сессия закончилась: войдите снова.');
});

test('402: the shortfall in roubles, from the extensions', () => {
  const text = explain(402, { type: `${T}insufficient-funds`, status: 402, balance: 1000, needed: 50000, shortfall: 49000 });
  assert.equal(text, `Не хватает ${rub(49000)}: пополните баланс. На балансе ${rub(1000)}, нужно ${rub(50000)}.`);
});

test('403: watching outside the term says why', () => {
  const p = (reason) => explain(403, { type: `${T}not-in-term`, status: 403, reason, starts_at: '2026-12-01T16:00:00Z', ends_at: '2026-12-03T16:00:00Z' });
  assert.equal(p('not_started'), 'Срок аренды ещё не начался: смотреть можно с 01.12.2026, 19:00\u00a0МСК.');
  assert.equal(p('term_over'), 'Срок аренды закончился 03.12.2026, 19:00\u00a0МСК.');
  assert.equal(p('cancelled'), 'Эта аренда отменена: смотреть её нельзя.');
});

test('404, 409, 422 and 503 refusals are told apart by their type, never by the detail', () => {
  const detail = 'an English detail that says something else entirely';
  const t = (name, status, ext = {}, retryAfter) => explain(status, { type: `${T}${name}`, status, detail, ...ext }, retryAfter);
  assert.equal(t('no-current-rental', 404), 'У вас нет текущей или предстоящей аренды этой премьеры.');
  assert.equal(t('not-in-cart', 404), 'Этой премьеры уже нет в корзине.');
  assert.equal(t('not-on-sale', 409), 'Эта премьера больше не продаётся.');
  assert.match(t('already-in-cart', 409), /уже в корзине с другим сроком/);
  assert.match(t('cart-full', 409), /^Корзина заполнена/);
  assert.match(t('cart-empty', 409), /^Корзина пуста/);
  assert.match(t('term-changed', 409), /^Срок аренды успел измениться/);
  assert.match(t('term-changed-refunded', 409), /деньги возвращены/);
  assert.equal(t('rental-cancelled', 409), 'Эта аренда отменена.');
  assert.equal(t('term-ended', 409), 'Срок этой аренды уже закончился.');
  assert.match(t('too-many-pending-top-ups', 409), /пополнений ждут оплаты/);
  assert.match(t('email-taken', 409), /^Эта почта уже зарегистрирована/);
  assert.match(t('payment-declined', 409), /^Этот платёж был отклонён/);
  assert.match(t('payment-already-redeemed', 409), /^Этот платёж уже использован/);
  assert.match(t('payment-not-redeemable', 409), /^Этим платежом нельзя/);
  assert.match(t('payment-mismatch', 409), /за другую премьеру или другой срок/);
  assert.match(t('contention', 409), /^Данные успели измениться: повторите/);
  assert.match(t('channel-not-offered', 422), /не отправляет уведомления этим способом/);
  assert.equal(t('starting', 503, {}, 2), 'Магазин запускается: повторите через 2 секунды.');
  assert.equal(t('starting', 503), 'Магазин запускается: повторите через минуту.');
  assert.match(t('provider-unavailable', 503, {}, 5), /^Платёжная система сейчас недоступна: повторите через 5 секунд\./);
  // Each says something of its own: none is the answer for an about:blank of its status.
  for (const type of TYPES) {
    const name = type.slice(T.length);
    if (['validation', 'insufficient-funds', 'too-many-attempts'].includes(name)) continue; // their status alone says as much
    for (const status of statuses) {
      assert.notEqual(explain(status, { type, status, detail }), explain(status, { type: 'about:blank', status, detail }), `${type} ${status}`);
    }
  }
  // An about:blank 404 names what was not found; an about:blank 409 says nothing it cannot know.
  const nf = (d) => explain(404, { type: 'about:blank', status: 404, detail: d });
  assert.match(nf('premiere not found'), /^Премьера не найдена/);
  assert.equal(explain(409, { type: 'about:blank', status: 409, detail: 'the premiere is no longer on sale' }),
    'Данные успели измениться: обновите страницу и повторите.');
  assert.match(explain(409, { type: `${T}cart-already-paid`, status: 409 }), /уже оплачена/);
  assert.equal(explain(409, { type: `${T}price-changed`, status: 409, total: 60000, quote: 60000, expected: 50000 }),
    `Сумма заказа изменилась: теперь ${rub(60000)} вместо ${rub(50000)}. Проверьте и подтвердите новую сумму.`);
});

test('422, 429 and 503 without a type of their own', () => {
  assert.match(explain(422, { type: `${T}idempotency-key-reused`, status: 422 }), /^Повторный запрос отличался/);
  assert.equal(explain(422, { type: 'about:blank', status: 422, detail: 'something new' }), 'Магазин не может выполнить этот запрос.');
  assert.equal(explain(429, { type: `${T}too-many-attempts`, status: 429, retry_after: 30 }), 'Слишком много попыток. Повторите через 30 секунд.');
  assert.equal(explain(429, { type: 'about:blank', status: 429 }, 121), 'Слишком много попыток. Повторите через 3 минуты.');
  assert.equal(explain(429, null), 'Слишком много попыток. Повторите чуть позже.');
  assert.equal(explain(503, null), 'Магазин временно недоступен: повторите чуть позже.');
  assert.equal(explain(503, { type: 'about:blank', status: 503, detail: 'a service the shop depends on cannot be reached right now' }, 5),
    'Магазин временно недоступен: повторите через 5 секунд.');
});

// An about:blank 404 (an unknown id) is told apart by its English detail: each pattern
// must still match a sentence the server writes, or a rewording there would quietly
// turn a precise message into the generic one.
test('the detail patterns match sentences the server still writes', () => {
  const literals = [];
  (function read(dir) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && !['node_modules', '.git', 'e2e', 'testdata'].includes(e.name)) read(p);
      else if (e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go')) {
        literals.push(...(readFileSync(p, 'utf8').match(/"(?:[^"\\\n]|\\.)*"/g) || []).map((s) => s.slice(1, -1).replaceAll('\\"', '"')));
      }
    }
  })(ROOT);
  assert.ok(literals.length > 1000, `Go string literals found: ${literals.length}`);
  for (const [name, table] of Object.entries({ notFound: PATTERNS.notFound })) {
    for (const [re] of table) assert.ok(literals.some((s) => re.test(s)), `${name} pattern ${re} matches no sentence of the server`);
  }
});
