// The storefront's entry: hash routes (#/search, #/premiere/:id, #/cart …), the menu,
// and sign-in where a page needs it.
import { h, mount } from './dom.js';
import { call, signedIn, signOut, whenSignedOut } from './api.js';
import { flash, routeChanged, showError } from './ui.js';
import { premierePage, searchPage } from './catalogue.js';
import { cartPage, checkoutPage, onRerender, walletPage } from './cart.js';
import { inboxPage, myPremieresPage, settingsPage, signInPage, signUpPage } from './account.js';

// [pattern, page, needs a signed-in customer]
const ROUTES = [
  [/^#?\/?$/, searchPage, false],
  [/^#\/search$/, searchPage, false],
  [/^#\/premiere\/([0-9a-fA-F-]{36})$/, premierePage, false],
  [/^#\/cart$/, cartPage, true],
  [/^#\/checkout$/, checkoutPage, true],
  [/^#\/wallet$/, walletPage, true],
  [/^#\/my$/, myPremieresPage, true],
  [/^#\/inbox$/, inboxPage, true],
  [/^#\/settings$/, settingsPage, true],
  [/^#\/signin$/, signInPage, false],
  [/^#\/signup$/, signUpPage, false],
];

const main = document.getElementById('main');
let shown = location.hash; // the route on screen

async function route() {
  const [path] = location.hash.split('?');
  const found = ROUTES.map(([re, page, signed]) => [path.match(re), page, signed]).find(([m]) => m);
  if (location.hash !== shown) routeChanged();
  shown = location.hash;
  nav();
  if (!found) {
    mount(main, h('h1', {}, 'Страница не найдена'), h('p', {}, h('a', { href: '#/' }, 'На главную')));
    return;
  }
  const [m, page, signed] = found;
  if (signed && !signedIn()) {
    location.replace(`#/signin?next=${encodeURIComponent(location.hash)}`);
    return;
  }
  main.setAttribute('aria-busy', 'true');
  try {
    await page(main, ...m.slice(1));
  } catch (e) {
    showError(e);
    if (!main.hasChildNodes() || main.textContent === 'Загрузка…') mount(main, h('p', { class: 'muted' }, 'Не удалось загрузить страницу.'));
  } finally {
    main.removeAttribute('aria-busy');
    document.title = `${main.querySelector('h1')?.textContent || 'Премьеры'} — Шанс-видео`;
  }
}

function link(href, text, cls) {
  const current = location.hash.split('?')[0] === href;
  return h('a', { href, class: cls, 'aria-current': current ? 'page' : null }, text);
}

// The menu, and the number of items in the cart.
function nav() {
  const el = document.getElementById('nav');
  if (!signedIn()) {
    mount(el, link('#/', 'Поиск'), link('#/signin', 'Войти'), link('#/signup', 'Регистрация', 'button primary'));
    return;
  }
  const count = h('span', { class: 'count', 'aria-label': 'в корзине' });
  mount(el, link('#/', 'Поиск'), h('a', { href: '#/cart', class: 'cart-link' }, 'Корзина ', count), link('#/my', 'Мои премьеры'),
    link('#/inbox', 'Уведомления'), link('#/wallet', 'Баланс'), link('#/settings', 'Настройки'),
    h('button', { type: 'button', class: 'link', onclick: async () => {
      // The customer's page goes first: nothing on it (the wallet's polling) asks the shop
      // anything with a token that is being revoked.
      mount(main, h('p', { class: 'muted' }, 'Выходим…'));
      try {
        await signOut();
      } catch (e) {
        showError(e);
      }
      flash('Вы вышли.');
      if (location.hash === '#/' || location.hash === '') await route();
      else location.hash = '#/';
    } }, 'Выйти'));
  call('GET', '/cart').then((c) => { count.textContent = c.items.length ? String(c.items.length) : ''; }, () => {});
}

whenSignedOut(() => {
  flash('Сессия закончилась: войдите снова.', 'error');
  nav();
});
onRerender(route);
document.addEventListener('cart-changed', nav);
document.addEventListener('session-changed', nav);
window.addEventListener('hashchange', route);
route();
