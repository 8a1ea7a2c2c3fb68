// Pieces every page uses: the message line, buttons that show they are working, the
// term picker, and the poster (or a drawn placeholder when a premiere has none).
import { h, mount, safeURL } from './dom.js';
import { say } from './problems.js';
import { term } from './format.js';

// How many route changes the message on screen has been through: it survives the one
// its action caused («Оплачено…» shown on «Мои премьеры»), not the next.
let flashAge = 0;

/** Shows a message above the page: kind 'ok' or 'error'; '' clears it. */
export function flash(text, kind = 'ok') {
  const el = document.getElementById('flash');
  flashAge = 0;
  mount(el, text ? h('p', { class: `flash ${kind}`, role: kind === 'error' ? 'alert' : null }, text) : null);
}

/** Called on every change of route: an older message goes. */
export function routeChanged() {
  if (++flashAge > 1) mount(document.getElementById('flash'));
}

/** Shows what went wrong, in Russian: a problem's message from problems.js, never the API's detail. */
export function showError(e) {
  flash(say(e), 'error');
}

/** Runs fn while the button is disabled; an error is shown, not thrown. */
export async function busy(button, fn) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** The route's parameters: '#/wallet?payment=…' → {payment: '…'}. */
export function hashParams() {
  const q = location.hash.split('?')[1] || '';
  return Object.fromEntries(new URLSearchParams(q));
}

/**
 * A term picker: a number and a unit (hours or days). onChange(hours) on every valid
 * change; hours() reads it (null when out of 1–720 hours).
 */
export function periodPicker(initialHours, onChange = () => {}) {
  const inDays = initialHours % 24 === 0;
  const amount = h('input', { type: 'number', min: 1, max: 720, step: 1, inputmode: 'numeric', class: 'period-amount',
    'aria-label': 'Срок', value: String(inDays ? initialHours / 24 : initialHours) });
  const unit = h('select', { class: 'period-unit', 'aria-label': 'Единица срока' },
    h('option', { value: '1', selected: !inDays }, 'часов'), h('option', { value: '24', selected: inDays }, 'дней'));
  const hint = h('span', { class: 'muted period-hint' });
  const hours = () => {
    const n = Number(amount.value) * Number(unit.value);
    return Number.isInteger(n) && n >= 1 && n <= 720 ? n : null;
  };
  const changed = () => {
    const n = hours();
    hint.textContent = n === null ? 'от 1 часа до 30 дней' : `= ${term(n)}`;
    amount.setAttribute('aria-invalid', n === null ? 'true' : 'false');
    if (n !== null) onChange(n);
  };
  amount.addEventListener('input', changed);
  unit.addEventListener('change', changed);
  hint.textContent = `= ${term(initialHours)}`;
  return { el: h('span', { class: 'period' }, amount, unit, hint), hours };
}

// A stable hue from an id, so a premiere's placeholder looks the same everywhere.
function hue(id) {
  let n = 0;
  for (const ch of String(id)) n = (n * 31 + ch.charCodeAt(0)) % 360;
  return n;
}

// The placeholder's colours come from a fixed palette of classes: the page's style
// policy allows no inline styles.
const HUES = 12;

/** The premiere's poster, or a coloured placeholder with its title's first letter. */
export function poster(card) {
  const src = safeURL(card.poster_url);
  if (src) return h('img', { class: 'poster', src, alt: `Афиша: ${card.title}`, loading: 'lazy' });
  const letter = (card.title || '?').trim().charAt(0).toUpperCase();
  return h('div', { class: `poster placeholder hue-${Math.floor(hue(card.id) / (360 / HUES))}`, 'aria-hidden': 'true' }, letter);
}
