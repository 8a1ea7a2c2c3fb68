// Russian formats for money, terms and times. Pure functions (unit-tested by node:test in
// e2e/unit), no DOM.

const NBSP = '\u00a0';

/** Kopecks → «1 234,50 ₽» (always two kopeck digits, as the shop's emails write it). */
export function rub(kopecks) {
  const k = Math.trunc(Number(kopecks) || 0);
  const sign = k < 0 ? '−' : '';
  const abs = Math.abs(k);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${sign}${whole},${String(abs % 100).padStart(2, '0')}${NBSP}₽`;
}

/** «1 234,5» or «1234» typed by a person → kopecks, or null when it is not an amount. */
export function parseRub(text) {
  const t = String(text).replace(/[\s\u00a0₽]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  const [r, k = ''] = t.split('.');
  const v = Number(r) * 100 + Number(k.padEnd(2, '0'));
  return Number.isSafeInteger(v) ? v : null;
}

/** The Russian plural: plural(5, ['час', 'часа', 'часов']) → 'часов'. */
export function plural(n, [one, few, many]) {
  const m10 = n % 10, m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}

/** A term in hours → «3 дня», «36 часов», «1 час». */
export function term(hours) {
  if (hours >= 24 && hours % 24 === 0) {
    const d = hours / 24;
    return `${d}${NBSP}${plural(d, ['день', 'дня', 'дней'])}`;
  }
  return `${hours}${NBSP}${plural(hours, ['час', 'часа', 'часов'])}`;
}

/** Seconds left → «2 дн 3 ч», «3 ч 12 мин», «12 мин», «меньше минуты». */
export function remaining(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), mm = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}${NBSP}дн ${hh}${NBSP}ч`;
  if (hh > 0) return `${hh}${NBSP}ч ${mm}${NBSP}мин`;
  if (mm > 0) return `${mm}${NBSP}мин`;
  return 'меньше минуты';
}

/** Minutes of a show → «2 ч 15 мин». */
export function duration(minutes) {
  const hh = Math.floor(minutes / 60), mm = minutes % 60;
  if (hh === 0) return `${mm}${NBSP}мин`;
  return mm === 0 ? `${hh}${NBSP}ч` : `${hh}${NBSP}ч ${mm}${NBSP}мин`;
}

const moscow = new Intl.DateTimeFormat('ru-RU', {
  timeZone: 'Europe/Moscow', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

/** An RFC 3339 time → «30.11.2026, 15:00 МСК» (the shop's emails use Moscow time too). */
export function when(iso) {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? '' : `${moscow.format(t)}${NBSP}МСК`;
}
