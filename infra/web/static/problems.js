// What the customer reads when the shop refuses a request: the one place that turns an
// RFC 9457 problem (its type, status and extensions) into Russian. The API's `detail`
// is English and written for developers; it is never shown. Every refusal the
// customer must tell apart has a type of its own (BY_TYPE); the detail is only read to
// name the member at fault in a validation problem, and the thing not found in an
// about:blank 404 (an unknown id). Anything else falls back to a Russian sentence for
// the status. Pure functions (unit-tested by node:test in e2e/unit), no DOM.

import { plural, rub, when } from './format.js';

const URN = 'urn:chance:problem:';

/** The generic fallback: said when nothing better is known. */
export const FALLBACK = 'Что-то пошло не так. Повторите попытку чуть позже.';
export const NETWORK = 'Нет связи с магазином. Проверьте соединение и повторите.';

// Seconds → «через 30 секунд», «через 2 минуты».
function after(seconds) {
  const s = Math.ceil(Number(seconds));
  if (!Number.isFinite(s) || s <= 0) return '';
  if (s < 60) return `через ${s} ${plural(s, ['секунду', 'секунды', 'секунд'])}`;
  const m = Math.ceil(s / 60);
  return `через ${m} ${plural(m, ['минуту', 'минуты', 'минут'])}`;
}

// A kopeck amount from an extension, or null when the member is missing.
function money(v) {
  return Number.isSafeInteger(v) ? rub(v) : null;
}

// The first whole number in a detail ("a cart holds at most 50 premieres" → 50).
function number(detail) {
  const m = /\d+/.exec(detail);
  return m ? Number(m[0]) : null;
}

// 400 validation: [pattern on the detail (its leading member name, mostly), Russian].
// The first match wins, so narrower patterns come first.
const INVALID = [
  [/^(query parameter )?period\b|^reservation_hours\b/, 'Проверьте срок: от 1 до 720 часов (30 дней).'],
  [/too short to be priced: the added hours cost nothing/, 'Продление слишком короткое: добавленные часы ничего не стоят. Продлите на большее число часов.'],
  [/too short to be priced/, 'Срок слишком короткий: за него нечего платить. Выберите срок подольше.'],
  [/^a term of \d+ hours would end at .*before now/, 'С таким сроком аренда закончилась бы в прошлом. Выберите срок подольше.'],
  [/^starts_at .* is in the past/, 'Время начала уже прошло: выберите время позже или начните сразу.'],
  [/^starts_at .* (more than 30 days ahead|too far ahead)/, 'Начало — не позже чем через 30 дней.'],
  [/^starts_at\b/, 'Проверьте время начала.'],
  [/^expected_total\b/, 'Сумма заказа не подтверждена: откройте оформление заказа ещё раз.'],
  [/^(summ|amount)\b/, `Проверьте сумму: от ${rub(1)} до ${rub(100_000_000)}.`],
  [/^email and password are required/, 'Введите почту и пароль.'],
  [/^an email has at most \d+ characters and a password at most/, 'Слишком длинная почта или пароль.'],
  [/is not an email address|^email\b/, 'Проверьте адрес почты.'],
  [/^password must be at least (\d+)/, (d) => `Пароль должен быть не короче ${number(d)} ${plural(number(d), ['символа', 'символов', 'символов'])}.`],
  [/^password must be at most (\d+)/, (d) => `Пароль должен быть не длиннее ${number(d)} ${plural(number(d), ['символа', 'символов', 'символов'])}.`],
  [/^password must not consist only of spaces/, 'Пароль не может состоять из одних пробелов.'],
  [/^a password is required|^password\b/, 'Проверьте пароль.'],
  [/^first_name\b/, 'Проверьте имя: от 1 символа, только видимые буквы.'],
  [/^last_name\b/, 'Проверьте фамилию: от 1 символа, только видимые буквы.'],
  [/^the sms channel needs a phone number/, 'Для уведомлений по СМС укажите номер телефона, например +79991234567.'],
  [/^phone\b/, 'Проверьте номер телефона: + и цифры, например +79991234567.'],
  [/^the telegram channel needs a chat id/, 'Для уведомлений в Телеграм укажите номер чата с ботом магазина.'],
  [/telegram_chat_id/, 'Проверьте номер чата в Телеграм: целое число, например 123456789.'],
  [/notification channel|^notification_channels\b/, 'Выберите способы уведомлений из предложенных.'],
  [/^(query parameter )?(q|actor)\b.*at most/, 'Слишком длинный запрос поиска: сократите его.'],
  [/^(query parameter )?(min_price|max_price)\b/, 'Проверьте диапазон цен.'],
  [/^(query parameter )?min_discount\b/, 'Скидка — от 0 до 100 %.'],
  [/^(query parameter )?(page|limit|sort|status|from|to)\b|^from must be before to/, 'Проверьте условия поиска.'],
  [/^(premiere_id|rental_id|id|payment_id)\b|is not a UUID/, 'Неверная ссылка: откройте страницу заново.'],
  [/Idempotency-Key/, 'Запрос не отправлен как следует. Обновите страницу и повторите.'],
  [/request body|^unknown field|^field "/, 'Магазин не понял запрос. Обновите страницу и повторите.'],
];

// 404 about:blank: an unknown id; the detail names what was not found.
const NOT_FOUND = [
  [/^premiere not found/, 'Премьера не найдена: возможно, её сняли с продажи.'],
  [/rental/, 'Аренда не найдена.'],
  [/top-up/, 'Пополнение не найдено.'],
  [/payment/, 'Платёж не найден.'],
  [/user not found/, 'Пользователь не найден: войдите снова.'],
];

// Each problem type of the API (urn:chance:problem:…, without the prefix) → its
// Russian sentence, or a function (problem, detail, wait) → sentence. Every type the
// API document lists is here (a unit test keeps them in step).
const BY_TYPE = {
  validation: (p, detail) => match(INVALID, detail, 'Проверьте введённые данные.'),
  'insufficient-funds': (p) => {
    const short = money(p.shortfall);
    let s = short ? `Не хватает ${short}: пополните баланс.` : 'Не хватает денег на балансе: пополните его.';
    if (money(p.balance) && money(p.needed)) s += ` На балансе ${money(p.balance)}, нужно ${money(p.needed)}.`;
    if (p.payment_id) s += ' После пополнения повторите оплату.';
    return s;
  },
  'not-in-term': (p) => {
    if (p.reason === 'not_started') return `Срок аренды ещё не начался${when(p.starts_at) ? `: смотреть можно с ${when(p.starts_at)}` : ''}.`;
    if (p.reason === 'term_over') return `Срок аренды закончился${when(p.ends_at) ? ` ${when(p.ends_at)}` : ''}.`;
    if (p.reason === 'cancelled') return 'Эта аренда отменена: смотреть её нельзя.';
    return 'Сейчас эту премьеру смотреть нельзя: вне срока аренды.';
  },
  'not-in-cart': 'Этой премьеры уже нет в корзине.',
  'no-current-rental': 'У вас нет текущей или предстоящей аренды этой премьеры.',
  'not-on-sale': 'Эта премьера больше не продаётся.',
  'already-in-cart': 'Эта премьера уже в корзине с другим сроком: измените срок в корзине.',
  'cart-full': 'Корзина заполнена: удалите из неё премьеру, прежде чем добавлять новую.',
  'cart-empty': 'Корзина пуста: добавьте премьеру, прежде чем оформлять заказ.',
  'already-holding': (p) => (p.rental_id
    ? 'Эта премьера у вас уже есть: измените срок текущей аренды в «Мои премьеры».'
    : 'Эта премьера у вас уже есть, оплата этого запроса возвращена: измените срок текущей аренды в «Мои премьеры».'),
  'price-changed': (p) => {
    const now = money(p.quote ?? p.total ?? p.price);
    const was = money(p.expected);
    if (p.total !== undefined) {
      return now ? `Сумма заказа изменилась: теперь ${now}${was ? ` вместо ${was}` : ''}. Проверьте и подтвердите новую сумму.`
        : 'Сумма заказа изменилась: проверьте и подтвердите новую сумму.';
    }
    return now ? `Цена изменилась: теперь ${now}${was ? ` вместо ${was}` : ''}. Проверьте и повторите.`
      : 'Цена изменилась: проверьте и повторите.';
  },
  'cart-already-paid': 'Эта корзина уже оплачена: премьеры — в разделе «Мои премьеры». Повторно деньги не списаны.',
  'term-changed': 'Срок аренды успел измениться: обновите страницу и повторите.',
  'term-changed-refunded': 'Аренда изменилась, пока шла оплата продления: деньги возвращены. Обновите страницу и повторите.',
  'rental-cancelled': 'Эта аренда отменена.',
  'term-ended': 'Срок этой аренды уже закончился.',
  'too-many-pending-top-ups': 'Слишком много пополнений ждут оплаты: оплатите или отмените одно из них, прежде чем начинать новое.',
  'email-taken': 'Эта почта уже зарегистрирована: войдите или укажите другую.',
  'payment-declined': 'Этот платёж был отклонён и ничего не оплатил: пополните баланс и оплатите премьеру заново.',
  'payment-already-redeemed': 'Этот платёж уже использован для аренды: премьера — в разделе «Мои премьеры».',
  'payment-not-redeemable': 'Этим платежом нельзя оплатить премьеру.',
  'payment-mismatch': 'Этот платёж был за другую премьеру или другой срок.',
  'idempotency-key-in-flight': 'Запрос ещё выполняется: подождите немного и нажмите ещё раз — дважды он не выполнится.',
  contention: 'Данные успели измениться: повторите действие.',
  'idempotency-key-reused': 'Повторный запрос отличался от первого и не выполнен. Нажмите кнопку ещё раз.',
  'channel-not-offered': 'Магазин не отправляет уведомления этим способом: выберите другой.',
  'too-many-attempts': (p, detail, wait) => `Слишком много попыток. Повторите ${wait || 'чуть позже'}.`,
  'provider-unavailable': (p, detail, wait) => `Платёжная система сейчас недоступна: повторите ${wait || 'чуть позже'}. Дважды деньги не спишутся.`,
  starting: (p, detail, wait) => `Магазин запускается: повторите ${wait || 'через минуту'}.`,
};

/** The problem types this file turns into Russian, as full URNs. */
export const TYPES = Object.keys(BY_TYPE).map((t) => URN + t);

function match(table, detail, fallback) {
  for (const [re, say] of table) {
    if (re.test(detail)) return typeof say === 'function' ? say(detail) : say;
  }
  return fallback;
}

/**
 * The Russian message for a problem: status (0 for no answer), body (the problem's
 * JSON, or null), retryAfter (the Retry-After header's seconds, if any).
 */
export function explain(status, body, retryAfter) {
  const p = body && typeof body === 'object' ? body : {};
  const type = typeof p.type === 'string' ? p.type : 'about:blank';
  const detail = typeof p.detail === 'string' ? p.detail : '';
  const wait = after(p.retry_after ?? retryAfter);

  const name = type.startsWith(URN) ? type.slice(URN.length) : '';
  if (Object.hasOwn(BY_TYPE, name)) {
    const said = BY_TYPE[name];
    return typeof said === 'function' ? said(p, detail, wait) : said;
  }

  switch (status) {
    case 0:
      return NETWORK;
    case 400:
      return match(INVALID, detail, 'Проверьте введённые данные.');
    case 401:
      if (typeof p.instance === 'string' && p.instance.endsWith('/login')) return 'Неверная почта или пароль.';
      return 'Сессия закончилась: войдите снова.';
    case 402:
      return 'Не хватает денег на балансе: пополните его.';
    case 403:
      return 'Для этого действия не хватает прав.';
    case 404:
      return match(NOT_FOUND, detail, 'Не найдено: возможно, это уже удалено. Обновите страницу.');
    case 409:
      return 'Данные успели измениться: обновите страницу и повторите.';
    case 413:
      return 'Слишком большой запрос.';
    case 422:
      return 'Магазин не может выполнить этот запрос.';
    case 429:
      return `Слишком много попыток. Повторите ${wait || 'чуть позже'}.`;
    case 503:
      return `Магазин временно недоступен: повторите ${wait || 'чуть позже'}.`;
    default:
      if (status >= 500) return 'Что-то пошло не так на стороне магазина. Повторите попытку чуть позже.';
      return FALLBACK;
  }
}

/** What to show for anything thrown: a Problem's Russian message, else the fallback. */
export function say(e) {
  if (e && typeof e === 'object' && Number.isInteger(e.status) && e.body !== undefined) return explain(e.status, e.body, e.retryAfter);
  return FALLBACK;
}

/** The detail patterns, for the tests that keep them in step with the server's wording. */
export const PATTERNS = { invalid: INVALID, notFound: NOT_FOUND };
