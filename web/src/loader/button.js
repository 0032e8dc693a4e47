/* A return visit to a page where nothing depends on the choice needs no
 * frame: the prerendered button shows in an open shadow root of its own
 * element at the end of the page (a frame's document, its script context
 * and its layout are most of what the widget would cost such a page), with
 * the same markup and stylesheet as in the frame, and the page's theme.
 * The frame comes, with the programs, when the button or anything else
 * needs it; the button goes when the frame shows its first view. */
import { BUNDLE } from './bundle.js';
import { focusRoom } from './room.js';

/**
 * showButton puts the button in the page; onOpen runs when it is used. It
 * returns the button's element, whose remove() also gives back the room it
 * kept, or null where the browser has no shadow roots or constructed
 * stylesheets (the frame then shows the button).
 * @param {string} lang
 * @param {Trust} trust
 * @param {() => CSSStyleSheet} sheet
 * @param {(opener: Element) => void} onOpen
 * @returns {{remove: () => void} | null}
 */
export function showButton(lang, trust, sheet, onOpen) {
  const el = document.createElement(NAMES.tagButton);
  // Inline !important styles win over any stylesheet of the host.
  el.style.setProperty('all', 'initial', 'important');
  el.style.setProperty('display', 'block', 'important');
  let shadow;
  try {
    shadow = el.attachShadow({ mode: 'open' });
    shadow.adoptedStyleSheets = [sheet()];
  } catch (err) {
    return null;
  }
  // The host's theme: its custom properties, which the stylesheet's :host
  // defaults would otherwise hide from the button.
  const page = getComputedStyle(document.body);
  NAMES.themeProperties.forEach((name) => {
    const v = page.getPropertyValue(name).trim();
    if (v) el.style.setProperty(name, v);
  });
  shadow.innerHTML = trust.html(BUNDLE.buttons[lang]);
  shadow.addEventListener('click', (e) => {
    const b = e.target.closest && e.target.closest('[' + NAMES.attrAction + ']');
    if (!b) return;
    e.preventDefault();
    b.setAttribute('aria-busy', 'true');
    onOpen(b);
  });
  document.body.appendChild(el);
  // The page's end and focus scrolling keep clear of the button, as the
  // frame does (R9, 2.4.11).
  const room = fabRoom(shadow.querySelector('.cc-fab')).height;
  el.style.setProperty('height', room + 'px', 'important');
  const keep = focusRoom(window);
  keep(room);
  return {
    remove() {
      keep(0);
      el.remove();
    }
  };
}

/**
 * fabRoom is the room the button takes at the bottom left of a viewport:
 * its size and the stylesheet's gap around it on each side.
 * @param {Element} fab
 * @returns {{width: number, height: number}}
 */
export function fabRoom(fab) {
  const r = fab.getBoundingClientRect();
  const cs = fab.ownerDocument.defaultView.getComputedStyle(fab);
  const gapX = parseFloat(cs.left) || 0, gapY = parseFloat(cs.bottom) || 0;
  return { width: Math.ceil(r.width + 2 * gapX), height: Math.ceil(r.height + 2 * gapY) };
}
