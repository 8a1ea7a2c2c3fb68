// The catalogue: search with result cards, and a premiere's page with a live quote.
import { h, mount } from './dom.js';
import { call, signedIn } from './api.js';
import { rub, term, duration } from './format.js';
import { busy, flash, hashParams, periodPicker, poster, showError } from './ui.js';

const PAGE = 12;

/** #/search?q=… (also the home page). */
export async function searchPage(main) {
  const q = hashParams().q || '';
  const input = h('input', { type: 'search', name: 'q', value: q, placeholder: 'Название, актёр, театр — например, Маузер',
    'aria-label': 'Поиск премьер', autocomplete: 'off' });
  const form = h('form', { class: 'search', role: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = `#/search?q=${encodeURIComponent(input.value.trim())}`;
  } }, input, h('button', { type: 'submit', class: 'primary' }, 'Найти'));
  const summary = h('p', { class: 'muted' }, 'Ищем…');
  const list = h('div', { class: 'cards' });
  const more = h('div', { class: 'more' });
  mount(main, h('h1', {}, q ? `Поиск: «${q}»` : 'Премьеры'), form, summary, list, more);

  let page = 1;
  const load = async () => {
    const params = new URLSearchParams({ page: String(page), limit: String(PAGE) });
    if (q) params.set('q', q);
    const res = await call('GET', `/search?${params}`, { auth: false });
    summary.textContent = res.total === 0 ? 'Ничего не нашлось. Попробуйте другое слово.' : `Найдено: ${res.total}`;
    list.append(...res.items.map(card));
    mount(more, page * PAGE < res.total
      ? h('button', { type: 'button', onclick: (ev) => busy(ev.currentTarget, () => { page++; return load(); }) }, 'Показать ещё')
      : null);
  };
  try {
    await load();
  } catch (e) {
    summary.textContent = '';
    showError(e);
  }
}

// One result: poster, title, theatre, actors, price with discount, standard term.
function card(c) {
  return h('article', { class: 'card', 'data-premiere': c.id },
    h('a', { href: `#/premiere/${c.id}`, class: 'card-poster', tabindex: '-1' }, poster(c)),
    h('div', { class: 'card-body' },
      h('h2', {}, h('a', { href: `#/premiere/${c.id}` }, c.title)),
      c.theatre ? h('p', { class: 'theatre' }, c.theatre) : null,
      c.actors && c.actors.length ? h('p', { class: 'muted actors' }, c.actors.join(', ')) : null,
      prices(c),
      c.duration_minutes ? h('p', { class: 'muted' }, `Длительность: ${duration(c.duration_minutes)}`) : null,
      h('p', { class: 'muted' }, `Срок просмотра: ${term(c.reservation_hours)}`),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: `#/premiere/${c.id}` }, 'Подробнее'),
        c.on_sale === false ? h('span', { class: 'muted' }, 'Снято с продажи')
          : h('button', { type: 'button', class: 'primary add-to-cart',
            onclick: (ev) => busy(ev.currentTarget, () => addToCart(c.id, c.reservation_hours, c.title)) }, 'В корзину'))));
}

function prices(c) {
  return h('p', { class: 'prices' },
    h('strong', { class: 'price' }, rub(c.price)),
    c.discount_percent > 0 ? [' ', h('s', { class: 'muted' }, rub(c.online_price)), ' ',
      h('span', { class: 'badge' }, `−${c.discount_percent}%`)] : null,
    c.theater_price > 0 ? h('span', { class: 'muted theatre-price' }, ` · в театре ${rub(c.theater_price)}`) : null);
}

/** Puts a premiere in the cart for hours, asking to sign in first. */
export async function addToCart(premiereID, hours, title) {
  if (!signedIn()) {
    location.hash = `#/signin?next=${encodeURIComponent(location.hash)}`;
    flash('Войдите, чтобы добавить премьеру в корзину.');
    return;
  }
  await call('POST', '/cart/items', { body: { premiere_id: premiereID, period: hours } });
  flash(`«${title}» в корзине на ${term(hours)}.`);
  document.dispatchEvent(new CustomEvent('cart-changed'));
}

/** #/premiere/:id — the card, a term picker with the live quote, add to cart. */
export async function premierePage(main, id) {
  const c = await call('GET', `/premiere/${encodeURIComponent(id)}`, { auth: false });
  const quote = h('strong', { class: 'quote price', 'aria-live': 'polite' }, rub(c.price));
  let asked = 0;
  const picker = periodPicker(c.reservation_hours, async (hours) => {
    const mine = ++asked; // only the newest answer is shown
    quote.textContent = '…';
    try {
      const q = await call('GET', `/rent/${encodeURIComponent(id)}?period=${hours}`, { auth: false });
      if (mine === asked) quote.textContent = rub(q.price);
    } catch (e) {
      if (mine === asked) quote.textContent = '—';
      showError(e);
    }
  });
  const add = h('button', { type: 'button', class: 'primary', disabled: c.on_sale === false, onclick: (ev) => {
    const hours = picker.hours();
    if (hours === null) return flash('Срок — от 1 часа до 30 дней.', 'error');
    return busy(ev.currentTarget, () => addToCart(c.id, hours, c.title));
  } }, 'В корзину');
  mount(main, h('article', { class: 'premiere' },
    h('div', { class: 'premiere-poster' }, poster(c)),
    h('div', { class: 'premiere-body' },
      h('h1', {}, c.title),
      c.theatre ? h('p', { class: 'theatre' }, c.theatre) : null,
      c.actors && c.actors.length ? h('p', {}, h('span', { class: 'muted' }, 'В ролях: '), c.actors.join(', ')) : null,
      c.duration_minutes ? h('p', { class: 'muted' }, `Продолжительность: ${duration(c.duration_minutes)}`) : null,
      h('p', { class: 'description' }, c.description),
      prices(c),
      h('p', { class: 'muted' }, `Цена указана за стандартный срок — ${term(c.reservation_hours)}.`),
      h('div', { class: 'buy' },
        h('label', {}, 'Срок просмотра ', picker.el),
        h('p', {}, 'Стоимость: ', quote),
        c.on_sale === false ? h('p', { class: 'muted' }, 'Премьера снята с продажи.') : add))));
}
