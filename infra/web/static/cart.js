// The cart, checkout (debit from the balance or a top-up of the shortfall) and the
// wallet, where a top-up confirmed at the payment provider is followed to its end.
import { h, mount, safeURL } from './dom.js';
import { act, call, Problem } from './api.js';
import { parseRub, rub, term, when } from './format.js';
import { busy, flash, hashParams, periodPicker, showError } from './ui.js';

// Where to return once a top-up confirmed at the provider has succeeded.
const PENDING = 'chance.pending-topup';

/** #/cart — items with their terms (editable) and removal. */
export async function cartPage(main) {
  const cart = await call('GET', '/cart');
  if (cart.items.length === 0) {
    mount(main, h('h1', {}, 'Корзина'), h('p', {}, 'Корзина пуста. ', h('a', { href: '#/' }, 'Найти премьеру')));
    return;
  }
  mount(main, h('h1', {}, 'Корзина'),
    h('ul', { class: 'lines' }, cart.items.map((it) => cartLine(main, it))),
    h('p', { class: 'total' }, 'Итого: ', h('strong', { class: 'price' }, rub(cart.total))),
    h('a', { class: 'button primary', href: '#/checkout' }, 'Оформить заказ'));
}

function cartLine(main, it) {
  const picker = periodPicker(it.period);
  const start = h('input', { type: 'datetime-local', 'aria-label': 'Начало просмотра',
    value: it.starts_at ? localInput(it.starts_at) : '' });
  const save = h('button', { type: 'button', class: 'save-term', onclick: (ev) => {
    const hours = picker.hours();
    if (hours === null) return flash('Срок — от 1 часа до 30 дней.', 'error');
    const body = { period: hours };
    if (start.value) body.starts_at = new Date(start.value).toISOString();
    return busy(ev.currentTarget, async () => {
      await call('PATCH', `/cart/items/${encodeURIComponent(it.premiere_id)}`, { body });
      await cartPage(main); // the message comes with the new prices, not before them
      flash(`Срок «${it.title}» — ${term(hours)}.`);
    });
  } }, 'Сохранить');
  const remove = h('button', { type: 'button', class: 'danger', onclick: (ev) => busy(ev.currentTarget, async () => {
    await call('DELETE', `/cart/items/${encodeURIComponent(it.premiere_id)}`);
    document.dispatchEvent(new CustomEvent('cart-changed'));
    await cartPage(main);
    flash(`«${it.title}» убрана из корзины.`);
  }) }, 'Удалить');
  return h('li', { class: 'line', 'data-premiere': it.premiere_id },
    h('div', { class: 'line-head' },
      h('a', { href: `#/premiere/${it.premiere_id}` }, it.title),
      h('strong', { class: 'price' }, rub(it.price))),
    it.on_sale === false ? h('p', { class: 'flash error' }, 'Снята с продажи: удалите её, чтобы оформить заказ.') : null,
    h('div', { class: 'line-edit' },
      h('label', {}, 'Срок ', picker.el),
      h('label', {}, 'Начало ', start, h('span', { class: 'muted' }, it.starts_at ? '' : ' (пусто — сразу после оплаты)')),
      h('span', { class: 'actions' }, save, remove)));
}

// An RFC 3339 time as a datetime-local input's value, in the browser's zone.
function localInput(iso) {
  const t = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** #/checkout — the order, then either «Оплатить N ₽ с баланса» or a top-up of the shortfall. */
export async function checkoutPage(main) {
  const form = await call('GET', '/cart/checkout');
  if (form.items.length === 0) {
    mount(main, h('h1', {}, 'Оформление'), h('p', {}, 'Корзина пуста. ', h('a', { href: '#/' }, 'Найти премьеру')));
    return;
  }
  const lines = h('ul', { class: 'lines' }, form.items.map((it) => h('li', { class: 'line' },
    h('div', { class: 'line-head' }, h('span', {}, it.title), h('strong', { class: 'price' }, rub(it.price))),
    h('p', { class: 'muted' }, `${term(it.period)}, `, it.starts_at ? `с ${when(it.starts_at)}` : 'сразу после оплаты'))));
  const sums = h('dl', { class: 'sums' },
    h('dt', {}, 'Итого'), h('dd', { class: 'price total-sum' }, rub(form.total)),
    h('dt', {}, 'На балансе'), h('dd', { class: 'balance' }, rub(form.balance)),
    form.sufficient ? null : [h('dt', {}, 'Не хватает'), h('dd', { class: 'shortfall' }, rub(form.shortfall))]);
  const next = form.sufficient ? payForm(main, form) : topUpForm(form.shortfall, '#/checkout');
  mount(main, h('h1', {}, 'Оформление заказа'), lines, sums, next);
}

function payForm(main, form) {
  const pay = h('button', { type: 'button', class: 'primary pay', onclick: (ev) => busy(ev.currentTarget, async () => {
    try {
      const out = await act('checkout', 'POST', '/cart/checkout', { expected_total: form.total });
      flash(`Оплачено ${rub(out.total)}. Премьеры — в разделе «Мои премьеры».`);
      document.dispatchEvent(new CustomEvent('cart-changed'));
      location.hash = '#/my';
    } catch (e) {
      if (e instanceof Problem && (e.status === 402 || e.status === 409)) {
        await checkoutPage(main); // the price or the balance changed: show the new form
      }
      throw e;
    }
  }) }, `Оплатить ${rub(form.total)} с баланса`);
  return h('div', { class: 'confirm' }, h('p', {}, 'Сумма будет списана с вашего баланса.'), pay);
}

/** A top-up form with amount (kopecks) prefilled; back is where to go once it succeeded. */
export function topUpForm(amount, back) {
  const input = h('input', { type: 'text', inputmode: 'decimal', name: 'amount', 'aria-label': 'Сумма пополнения, ₽',
    value: amount ? (amount / 100).toFixed(2).replace('.', ',') : '' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Пополнить баланс');
  const form = h('form', { class: 'topup', onsubmit: (ev) => {
    ev.preventDefault();
    const summ = parseRub(input.value);
    if (!summ) return flash('Введите сумму в рублях, например 1 234,50.', 'error');
    return busy(submit, () => topUp(summ, back));
  } },
  h('h2', {}, 'Пополнить баланс'),
  h('label', {}, 'Сумма, ₽ ', input), submit);
  return form;
}

async function topUp(summ, back) {
  const out = await act('fill', 'POST', '/billing/fill', { summ });
  const confirm = safeURL(out.confirmation_url);
  if (out.status === 'pending' && confirm) {
    sessionStorage.setItem(PENDING, JSON.stringify({ id: out.payment_id, back }));
    location.assign(confirm); // the provider's page; it sends the customer back to #/wallet
    return;
  }
  if (out.status === 'pending') {
    sessionStorage.setItem(PENDING, JSON.stringify({ id: out.payment_id, back }));
    location.hash = `#/wallet?payment=${encodeURIComponent(out.payment_id)}`;
    return;
  }
  flash(`Баланс пополнен на ${rub(out.amount)}: теперь ${rub(out.balance)}.`);
  if (location.hash === back) await route();
  else location.hash = back;
}

// Re-renders the current page (set by app.js).
let route = async () => {};
export function onRerender(fn) {
  route = fn;
}

/** #/wallet[?payment=id] — the balance, a payment being confirmed, a top-up form. */
export async function walletPage(main) {
  // The provider sends the customer back here; a return address without the payment's id
  // (a provider's fixed return URL) falls back to the top-up this tab started.
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  const paymentID = hashParams().payment || (pending && pending.id);
  const status = h('div', { class: 'payment-status', 'aria-live': 'polite' });
  const balance = h('strong', { class: 'balance' }, '…');
  mount(main, h('h1', {}, 'Баланс'), status, h('p', {}, 'На балансе: ', balance), topUpForm(0, '#/wallet'));
  const b = await call('GET', '/billing/amount');
  balance.textContent = rub(b.balance);
  if (paymentID) await follow(paymentID, status, balance);
}

// Polls the payment until it is settled (the provider tells the shop, not the browser);
// about two minutes, then it says so and leaves it to the customer. It stops as soon as
// its status element leaves the page (another page, sign-out): nothing it learns after
// that is shown or acted on.
async function follow(id, status, balance) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  const back = pending && pending.id === id ? pending.back : null;
  mount(status, h('p', { class: 'flash' }, 'Ждём подтверждения оплаты…'));
  for (let i = 0; i < 120 && status.isConnected; i++) {
    let p;
    try {
      p = await call('GET', `/billing/status/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!status.isConnected) return;
      if (e instanceof Problem && e.status === 404) sessionStorage.removeItem(PENDING); // not this customer's
      showError(e);
      return;
    }
    if (!status.isConnected) return;
    if (p.status !== 'pending') {
      sessionStorage.removeItem(PENDING);
      if (p.status === 'succeeded') {
        const b = await call('GET', '/billing/amount');
        if (!status.isConnected) return;
        balance.textContent = rub(b.balance);
        mount(status, h('p', { class: 'flash ok' }, `Платёж прошёл: баланс пополнен на ${rub(p.amount)}.`));
        if (back && back !== '#/wallet') {
          flash(`Баланс пополнен на ${rub(p.amount)}.`);
          location.hash = back;
        }
      } else {
        // The API's reason is for developers (English): the customer reads the outcome only.
        const why = { canceled: 'Платёж отклонён', expired: 'Платёж не был подтверждён вовремя', rejected: 'Платёж отклонён' }[p.status]
          || 'Платёж не прошёл';
        mount(status, h('p', { class: 'flash error', role: 'alert' }, `${why}: деньги не списаны, баланс не изменился.`));
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (status.isConnected) mount(status, h('p', { class: 'flash' }, 'Платёж ещё не подтверждён. Обновите страницу позже.'));
}
