// The customer's own pages: sign-up and sign-in, «Мои премьеры» (watch, change the term,
// cancel), the inbox and where to be told things.
import { h, mount, safeURL } from './dom.js';
import { act, call, signIn } from './api.js';
import { remaining, rub, term, when } from './format.js';
import { busy, flash, hashParams, periodPicker } from './ui.js';

function field(label, attrs) {
  return h('label', { class: 'field' }, h('span', {}, label), h('input', attrs));
}

// After signing in, back to where the customer was going.
function goNext() {
  const next = hashParams().next;
  location.hash = next && next.startsWith('#/') && !next.startsWith('#/sign') ? next : '#/';
  document.dispatchEvent(new CustomEvent('session-changed'));
}

/** #/signin */
export function signInPage(main) {
  const form = h('form', { class: 'form', onsubmit: (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    return busy(form.querySelector('button'), async () => {
      await signIn(String(d.get('email')).trim(), String(d.get('password')));
      flash('Вы вошли.');
      goNext();
    });
  } },
  field('Эл. почта', { type: 'email', name: 'email', required: true, autocomplete: 'username' }),
  field('Пароль', { type: 'password', name: 'password', required: true, autocomplete: 'current-password' }),
  h('button', { type: 'submit', class: 'primary' }, 'Войти'));
  mount(main, h('h1', {}, 'Вход'), form, h('p', {}, 'Нет аккаунта? ', h('a', { href: '#/signup' }, 'Зарегистрироваться')));
}

/** #/signup — registers, then signs in. */
export function signUpPage(main) {
  const form = h('form', { class: 'form', onsubmit: (ev) => {
    ev.preventDefault();
    const d = Object.fromEntries(new FormData(form));
    return busy(form.querySelector('button'), async () => {
      const body = { email: d.email.trim(), password: d.password, first_name: d.first_name.trim(), last_name: d.last_name.trim() };
      await call('POST', '/register', { body, auth: false });
      await signIn(body.email, body.password);
      flash(`Добро пожаловать, ${body.first_name}!`);
      goNext();
    });
  } },
  field('Имя', { name: 'first_name', required: true, autocomplete: 'given-name' }),
  field('Фамилия', { name: 'last_name', required: true, autocomplete: 'family-name' }),
  field('Эл. почта', { type: 'email', name: 'email', required: true, autocomplete: 'email' }),
  field('Пароль', { type: 'password', name: 'password', required: true, minlength: 8, autocomplete: 'new-password' }),
  h('button', { type: 'submit', class: 'primary' }, 'Зарегистрироваться'));
  mount(main, h('h1', {}, 'Регистрация'), form, h('p', {}, 'Уже есть аккаунт? ', h('a', { href: '#/signin' }, 'Войти')));
}

const STATUS = { upcoming: 'скоро', active: 'идёт просмотр', ended: 'срок закончился', cancelled: 'отменена' };

/** #/my[?all=1] — my premieres with the remaining time, watch, term change and cancel. */
export async function myPremieresPage(main) {
  const all = hashParams().all === '1';
  const res = await call('GET', `/me/premieres${all ? '?status=all' : ''}`);
  const toggle = h('a', { href: all ? '#/my' : '#/my?all=1' }, all ? 'Только текущие' : 'Показать и прошедшие');
  if (res.items.length === 0) {
    mount(main, h('h1', {}, 'Мои премьеры'), h('p', {}, 'Здесь появятся оплаченные премьеры. ', h('a', { href: '#/' }, 'Найти премьеру')), toggle);
    return;
  }
  const loadedAt = Date.now();
  const rows = res.items.map((r) => rental(main, r, loadedAt));
  mount(main, h('h1', {}, 'Мои премьеры'), h('ul', { class: 'lines' }, rows), toggle);
}

function rental(main, r, loadedAt) {
  const left = h('span', { class: 'remaining' });
  const tick = () => {
    const s = r.remaining_seconds - (Date.now() - loadedAt) / 1000;
    left.textContent = r.status === 'active' ? `осталось ${remaining(s)}` : '';
  };
  tick();
  const timer = setInterval(() => (left.isConnected ? tick() : clearInterval(timer)), 30000);
  const live = r.status === 'active' || r.status === 'upcoming';
  const picker = periodPicker(r.period);
  const change = h('button', { type: 'button', onclick: (ev) => {
    const hours = picker.hours();
    if (hours === null) return flash('Срок — от 1 часа до 30 дней.', 'error');
    return busy(ev.currentTarget, async () => {
      const out = await act(`term-${r.rental_id}`, 'POST', `/rent/${r.rental_id}/term`, { period: hours });
      const money = out.charged > 0 ? `доплачено ${rub(out.charged)}` : out.refunded > 0 ? `возвращено ${rub(out.refunded)}` : 'без доплаты';
      await myPremieresPage(main); // the message comes with the new term, not before it
      flash(`Срок «${r.title}» — ${term(hours)}, ${money}.`);
    });
  } }, 'Изменить срок');
  const cancel = h('button', { type: 'button', class: 'danger', onclick: (ev) => {
    const b = ev.currentTarget;
    if (b.dataset.armed !== '1') { // a second press confirms: no browser dialog
      b.dataset.armed = '1';
      b.textContent = 'Точно отменить? Нажмите ещё раз';
      return undefined;
    }
    return busy(b, async () => {
      const out = await act(`cancel-${r.rental_id}`, 'POST', `/rent/${r.rental_id}/cancel`);
      await myPremieresPage(main);
      flash(`«${r.title}» отменена, возвращено ${rub(out.refunded)}.`);
    });
  } }, 'Отменить');
  const watch = h('button', { type: 'button', class: 'primary watch', disabled: r.status !== 'active',
    onclick: (ev) => busy(ev.currentTarget, async () => {
      const out = await call('POST', `/rentals/${r.rental_id}/watch`);
      const url = safeURL(out.url);
      if (url) location.assign(url);
    }) }, 'Смотреть');
  return h('li', { class: `line rental ${r.status}`, 'data-rental': r.rental_id, 'data-period': r.period },
    h('div', { class: 'line-head' }, h('a', { href: `#/premiere/${r.premiere_id}` }, r.title), h('span', { class: 'badge' }, STATUS[r.status] || r.status)),
    h('p', { class: 'muted' }, `${when(r.starts_at)} — ${when(r.expires_at)} (${term(r.period)}) `, left),
    h('p', { class: 'paid' }, 'Оплачено ', h('strong', { class: 'price' }, rub(r.paid))),
    live ? h('div', { class: 'actions' }, watch) : null,
    live ? h('details', {}, h('summary', {}, 'Изменить срок или отменить'),
      h('div', { class: 'line-edit' }, h('label', {}, 'Новый срок ', picker.el), h('span', { class: 'actions' }, change, cancel))) : null);
}

/** #/inbox — the notifications, newest first as the API gives them. */
export async function inboxPage(main) {
  const res = await call('GET', '/notifications');
  mount(main, h('h1', {}, 'Уведомления'),
    res.items.length === 0 ? h('p', { class: 'muted' }, 'Пока ничего нет.') : h('ul', { class: 'lines inbox' }, res.items.map((n) =>
      h('li', { class: 'line notification', 'data-kind': n.kind },
        h('div', { class: 'line-head' }, h('strong', {}, n.subject), h('span', { class: 'muted' }, when(n.created_at))),
        h('p', { class: 'body' }, n.body)))),
    h('button', { type: 'button', onclick: (ev) => busy(ev.currentTarget, () => inboxPage(main)) }, 'Обновить'));
}

const CHANNELS = [['inbox', 'В личном кабинете'], ['email', 'Эл. почта'], ['sms', 'SMS'], ['telegram', 'Telegram']];

/** #/settings — profile and notification channels (PATCH /users). */
export async function settingsPage(main) {
  const p = await call('GET', '/users');
  const on = new Set(p.notification_channels || []);
  const boxes = CHANNELS.map(([id, label]) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'channel', value: id, checked: id === 'inbox' || on.has(id), disabled: id === 'inbox' }), ` ${label}`));
  const phone = h('input', { type: 'tel', name: 'phone', value: p.phone || '', placeholder: '+79991234567', autocomplete: 'tel' });
  const chat = h('input', { type: 'text', name: 'telegram_chat_id', value: p.telegram_chat_id || '', inputmode: 'numeric' });
  const form = h('form', { class: 'form', onsubmit: (ev) => {
    ev.preventDefault();
    const channels = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    const body = { notification_channels: channels }; // phone and chat id only when changed ("" clears)
    if (phone.value.trim() !== (p.phone || '')) body.phone = phone.value.trim();
    if (chat.value.trim() !== String(p.telegram_chat_id || '')) body.telegram_chat_id = chat.value.trim();
    return busy(form.querySelector('button[type=submit]'), async () => {
      await call('PATCH', '/users', { body });
      flash('Настройки сохранены.');
    });
  } },
  h('fieldset', {}, h('legend', {}, 'Куда присылать уведомления'), boxes),
  h('label', { class: 'field' }, h('span', {}, 'Телефон для SMS'), phone),
  h('label', { class: 'field' }, h('span', {}, 'Telegram chat id'), chat),
  h('button', { type: 'submit', class: 'primary' }, 'Сохранить'));
  mount(main, h('h1', {}, 'Настройки'),
    h('p', {}, `${p.first_name} ${p.last_name}, ${p.email}`), form);
}
