/* Room for what the widget covers at the bottom of the host page's
 * viewport, so that the page's end can be scrolled out from under it (R9)
 * and what the keyboard focuses never hides under it (WCAG 2.2, 2.4.11 and
 * 2.4.12). A browser scrolls a focused element just into view, where the
 * widget is, unless the scrolling box's scroll-padding-bottom keeps room:
 * Chromium, Firefox and WebKit apply the root's to focus scrolling (not the
 * body's), so while the widget covers the bottom the root gets that height
 * (the page's own where more) from a stylesheet adopted by the page: no
 * attribute of the page changes, nothing moves. */

/**
 * focusRoom returns keep(height), which gives the root of the page in
 * window w a scroll padding of height pixels at the bottom, and none at 0.
 * It writes only when the height changes.
 * @param {Window} w
 * @returns {(height: number) => void}
 */
export function focusRoom(w) {
  let sheet = null;
  let kept = null;
  let own = '';
  return function keep(height) {
    if (height === kept) return;
    const doc = w.document;
    try {
      if (!sheet) sheet = new w.CSSStyleSheet();
      if (!kept) {
        // The page's own padding, read while the widget adds none.
        sheet.replaceSync('');
        own = w.getComputedStyle(doc.documentElement).getPropertyValue('scroll-padding-bottom');
      }
      const room = own && own !== 'auto' ? 'max(' + own + ', ' + height + 'px)' : height + 'px';
      sheet.replaceSync(height > 0 ? ':root { scroll-padding-bottom: ' + room + ' !important; }' : '');
      if (height > 0 && doc.adoptedStyleSheets.indexOf(sheet) < 0) doc.adoptedStyleSheets = doc.adoptedStyleSheets.concat(sheet);
    } catch (err) {
      /* no constructed stylesheets: no room for focus */
    }
    kept = height;
  };
}
