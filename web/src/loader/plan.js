/* What the loader decides alone, before any Go runs: the page's language,
 * where the first layer shows, whether a choice of this revision is stored
 * (not whether it is valid: that is the page program's), whether the page
 * has content that depends on the choice, and so what the frame shows first
 * and which program starts when. */
import { BUNDLE } from './bundle.js';

/**
 * language is the page's: <html lang>, else the django_language cookie,
 * when the catalogue has it; else the catalogue's first.
 * @returns {string}
 */
export function language() {
  let lang = (document.documentElement.lang || '').toLowerCase().split('-')[0];
  if (!lang) {
    const m = /(?:^|;\s*)django_language=([^;]*)/.exec(document.cookie);
    if (m) {
      try {
        lang = decodeURIComponent(m[1]).toLowerCase().split('-')[0];
      } catch (err) {
        console.error('consent: the django_language cookie is not valid (' + err.message + '); it is ignored.');
      }
    }
  }
  return BUNDLE.languages.indexOf(lang) >= 0 ? lang : BUNDLE.languages[0];
}

/**
 * position is where the first layer shows: the script tag's data-position,
 * else the catalogue's site.position, else the first of the positions.
 * @param {HTMLScriptElement} script
 * @param {string | undefined} site
 * @returns {string}
 */
export function position(script, site) {
  let p = script.getAttribute(NAMES.attrPosition);
  if (p && NAMES.positions.indexOf(p) < 0) {
    console.error('consent: ' + NAMES.attrPosition + '="' + p + '" is not one of ' + NAMES.positions.join(', ') + '; it is ignored.');
    p = null;
  }
  return p || site || NAMES.positions[0];
}

/**
 * storedChoice tells what the cookie holds, as far as the loader may look:
 * 'none', 'current' (one record cookie naming this revision) or 'other'
 * (another revision, or several copies).
 * @returns {'none' | 'current' | 'other'}
 */
export function storedChoice() {
  const copies = document.cookie.split(';').map((s) => s.trim())
    .filter((s) => s.indexOf(NAMES.recordCookie + '=') === 0);
  if (copies.length === 0) return 'none';
  if (copies.length === 1 && copies[0].indexOf(NAMES.recordCookie + '=' + BUNDLE.recordPrefix) === 0) return 'current';
  return 'other';
}

/**
 * gated tells whether root, or an element in it, depends on the choice:
 * data-consent markup or a service's placeholder. A selector the browser
 * refuses counts as gated: the page program then runs and says why.
 * @param {Element | Document} root
 * @returns {boolean}
 */
export function gated(root) {
  if (!BUNDLE.gated) return false;
  try {
    return (root.matches && root.matches(BUNDLE.gated)) || !!(root.querySelector && root.querySelector(BUNDLE.gated));
  } catch (err) {
    return true;
  }
}

// A choice clicked before the page program ran is kept in this tab's
// sessionStorage until the program has stored it, so that leaving the page
// at once does not lose it.
export function pendingChoice() {
  try {
    const p = JSON.parse(sessionStorage.getItem(NAMES.pendingKey));
    if (p && (p.action === NAMES.actionAccept || p.action === NAMES.actionRefuse) && p.revision === BUNDLE.revision &&
        Date.now() - p.at < 3600e3) return p.action;
  } catch (err) { /* no storage, or not ours: nothing pending */ }
  return null;
}

/** @param {string} action */
export function remember(action) {
  try {
    sessionStorage.setItem(NAMES.pendingKey, JSON.stringify({ action: action, revision: BUNDLE.revision, at: Date.now() }));
  } catch (err) {
    console.warn('consent: the choice cannot be kept across pages (' + err.message + '); it is stored once the widget runs on this page.');
  }
}

export function forget() {
  try { sessionStorage.removeItem(NAMES.pendingKey); } catch (err) { /* nothing kept */ }
}

/**
 * plan decides what the frame shows first and whether the page program
 * starts at once. It starts later (on the visitor's first use of the
 * widget, or when content that depends on the choice appears) only where
 * the page needs no decision now: a first visit, the first layer shown, or
 * a return visit with one record of this revision, the button shown, on a
 * page with nothing that depends on the choice.
 * @returns {Plan}
 */
export function plan() {
  const stored = storedChoice();
  // A choice kept from an earlier page is looked for only where no choice
  // of this revision is stored (the first access to sessionStorage is not
  // free); where one is stored but proves invalid, the page program looks
  // for it itself.
  const queued = stored !== 'current' && pendingChoice();
  if (queued) return { view: NAMES.modePending, start: 'now', queued: queued };
  const needed = BUNDLE.gatedAlways || gated(document.documentElement);
  if (stored === 'current') return { view: NAMES.modeButton, start: needed ? 'now' : 'later' };
  if (stored === 'none' && navigator.globalPrivacyControl !== true) {
    return needed ? { view: NAMES.modeBanner, start: 'now' } : { view: NAMES.modeBanner, start: 'later', prefetch: true };
  }
  return { view: NAMES.modePending, start: 'now' };
}
