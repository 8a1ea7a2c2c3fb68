// Building the page from data without ever parsing data as HTML: text goes in through
// text nodes only, so a title like "<img onerror=…>" is shown, never run.

/**
 * h('button', {class: 'primary', onclick: fn}, 'Текст', child…) → an element.
 * Attributes named on… become listeners; false/null/undefined attributes are left out;
 * children are nodes or strings (as text), nested arrays flattened, null skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'value') el.value = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces everything in el with children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** A URL safe to put in src/href: same-origin paths and http(s) only. */
export function safeURL(raw) {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const u = new URL(raw, location.origin);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
