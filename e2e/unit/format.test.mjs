// The storefront's Russian formats (infra/web/static/format.js), run by node:test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duration, parseRub, plural, remaining, rub, term } from '../../infra/web/static/format.js';

const S = '\u00a0';

test('kopecks read as roubles the Russian way', () => {
  assert.equal(rub(123450), `1${S}234,50${S}₽`);
  assert.equal(rub(0), `0,00${S}₽`);
  assert.equal(rub(5), `0,05${S}₽`);
  assert.equal(rub(100000000), `1${S}000${S}000,00${S}₽`);
  assert.equal(rub(-48000), `−480,00${S}₽`);
});

test('amounts typed by a person become kopecks, or null', () => {
  assert.equal(parseRub('1 234,5'), 123450);
  assert.equal(parseRub(`2039,70`), 203970);
  assert.equal(parseRub('480'), 48000);
  assert.equal(parseRub('12.34 ₽'), 1234);
  for (const bad of ['', 'abc', '1,234', '-5', '1.2.3', '1e5']) assert.equal(parseRub(bad), null, bad);
});

test('terms and plurals', () => {
  assert.equal(plural(1, ['час', 'часа', 'часов']), 'час');
  assert.equal(plural(3, ['час', 'часа', 'часов']), 'часа');
  assert.equal(plural(11, ['час', 'часа', 'часов']), 'часов');
  assert.equal(plural(21, ['день', 'дня', 'дней']), 'день');
  assert.equal(plural(112, ['день', 'дня', 'дней']), 'дней');
  assert.equal(term(48), `2${S}дня`);
  assert.equal(term(120), `5${S}дней`);
  assert.equal(term(36), `36${S}часов`);
  assert.equal(term(1), `1${S}час`);
});

test('time left and durations', () => {
  assert.equal(remaining(2 * 86400 + 3 * 3600 + 59), `2${S}дн 3${S}ч`);
  assert.equal(remaining(3 * 3600 + 12 * 60), `3${S}ч 12${S}мин`);
  assert.equal(remaining(12 * 60 + 30), `12${S}мин`);
  assert.equal(remaining(30), 'меньше минуты');
  assert.equal(remaining(-5), 'меньше минуты');
  assert.equal(duration(135), `2${S}ч 15${S}мин`);
  assert.equal(duration(120), `2${S}ч`);
  assert.equal(duration(45), `45${S}мин`);
});
