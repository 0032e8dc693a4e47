/* Boot of the widget's frame (the srcdoc iframe the loader creates), called
 * by the loader with the frame's window once its document has loaded: the
 * frame needs no request of its own before the first layer shows. It
 * styles the document, places the frame in the host page for each mode,
 * keeps the clicks made on the prerendered views until a program takes
 * them, and starts the two Go programs:
 *  - the page program (page.wasm): at once where the page needs a decision,
 *    else on the first choice clicked or when the loader sees content that
 *    depends on the choice; it stores choices and applies them;
 *  - the dialog program (dialog.wasm, go-app): only when the preferences
 *    are opened, after the page program, which it asks to store choices.
 * Once settled it schedules nothing: no timer, no animation frame, and a
 * frame resize only when the size it wants differs from the size it has.
 */
import { fabRoom } from './button.js';
import { copyFonts } from './fonts.js';
import { focusRoom } from './room.js';
import { runner } from './run.js';

/**
 * bootFrame boots the frame whose window is w.
 * @param {Window} w
 * @param {BootContext} ctx
 */
export function bootFrame(w, ctx) {
  const document = w.document;
  const parent = w.parent;
  const el = w.frameElement;
  const root = document.documentElement;
  const files = ctx.files;
  let mode = NAMES.modePending;
  const queues = { page: [], dialog: [] };
  const programRunner = runner(w, files, ctx.trust);

  // The stylesheet as a constructed sheet, with no request; where the
  // browser cannot, as a link to the same file.
  try {
    const sheet = new w.CSSStyleSheet();
    sheet.replaceSync(ctx.css);
    document.adoptedStyleSheets = [sheet];
  } catch (err) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = files.css;
    document.head.appendChild(link);
  }

  // go-app expects these globals from its own app.js, which is not used.
  w.goappGetenv = () => undefined;
  w.goappNav = () => {};
  w.goappOnUpdate = () => {};
  w.goappOnAppInstallChange = () => {};

  // go-app's engine reads every localStorage key of the origin and deletes
  // those it takes for its own expired states. This frame shares the host's
  // origin, so the programs get a private in-memory storage instead.
  function memoryStorage() {
    const items = new Map();
    return {
      get length() { return items.size; },
      key: (i) => Array.from(items.keys())[i] || null,
      getItem: (k) => (items.has(String(k)) ? items.get(String(k)) : null),
      setItem: (k, v) => { items.set(String(k), String(v)); },
      removeItem: (k) => { items.delete(String(k)); },
      clear: () => { items.clear(); }
    };
  }
  Object.defineProperty(w, 'localStorage', { value: memoryStorage() });
  Object.defineProperty(w, 'sessionStorage', { value: memoryStorage() });

  // apply sets the frame's inline styles, each only when it changes: every
  // change of the frame's size fires a resize in this window, which calls
  // place again, so writing a value it already has would loop for ever.
  const applied = {};
  function apply(styles) {
    Object.keys(styles).forEach((name) => {
      if (applied[name] === styles[name]) return;
      applied[name] = styles[name];
      el.style.setProperty(name, styles[name], 'important');
    });
  }

  // The host themes the widget with custom properties (usually on its
  // :root). They reach this frame's element but not its document, so each
  // one the host sets is copied onto this document's root through CSSOM,
  // which a CSP without 'unsafe-inline' allows; again when the colour
  // scheme changes, since the host's values may follow it.
  function theme() {
    try {
      const host = parent.getComputedStyle(el);
      NAMES.themeProperties.forEach((name) => {
        const v = host.getPropertyValue(name).trim();
        if (v) root.style.setProperty(name, v); else root.style.removeProperty(name);
      });
    } catch (err) {
      console.error('consent: the page\'s theme could not be read (' + err.message + '); the default theme shows.');
    }
  }

  // box is where the frame stands for a mode: the first layer as a bar at
  // the bottom, a box in the bottom corner or a centred box, the whole
  // viewport for the modal preferences, a small box for the button,
  // nothing while pending. Every mode gives every property, so that no
  // value of another mode is left behind.
  function box(position) {
    const b = { top: 'auto', right: 'auto', bottom: '0', left: '0', margin: '0', width: '100%', height: '0' };
    if (mode === NAMES.modeModal) {
      b.top = '0'; b.height = '100%';
    } else if (mode === NAMES.modeBanner && position === 'box') {
      b.left = 'auto'; b.right = '1rem'; b.bottom = '1rem'; b.width = 'min(26rem, calc(100% - 2rem))';
    } else if (mode === NAMES.modeBanner && position === 'center') {
      b.top = '0'; b.right = '0'; b.margin = 'auto'; b.width = 'min(40rem, calc(100% - 2rem))';
    }
    return b;
  }

  // place sizes the frame to what it shows. The width is applied before the
  // first layer's height is read, since that height depends on it; the
  // button's size does not depend on the frame's, so it is read first and
  // the frame is sized once.
  function place() {
    const position = root.getAttribute(NAMES.attrPosition);
    const b = box(position);
    if (mode === NAMES.modeButton) {
      const fab = document.querySelector('.cc-fab');
      const room = fab ? fabRoom(fab) : { width: 0, height: 0 };
      b.width = room.width + 'px';
      b.height = room.height + 'px';
    }
    apply({
      visibility: mode === NAMES.modePending ? 'hidden' : 'visible',
      display: mode === NAMES.modeOff ? 'none' : 'block',
      'z-index': '2147483647', 'max-width': '100%', 'max-height': '100%',
      background: 'transparent', 'color-scheme': 'normal',
      top: b.top, right: b.right, bottom: b.bottom, left: b.left, margin: b.margin, width: b.width
    });
    if (mode === NAMES.modeBanner) {
      const content = document.body.firstElementChild;
      b.height = Math.ceil(content ? content.getBoundingClientRect().height : 0) + 'px';
    }
    apply({ height: b.height });
    if (el.getAttribute(NAMES.attrMode) !== mode) el.setAttribute(NAMES.attrMode, mode);
    // What the frame covers, from its top to the viewport's bottom: the
    // first layer in any position (a centred box hides the lower half too)
    // and the button; the modal dialog keeps focus and needs no room. It
    // follows from the frame's box, without a layout of the page.
    let covered = 0;
    if (mode === NAMES.modeBanner || mode === NAMES.modeButton) {
      const height = parseFloat(b.height) || 0;
      if (mode === NAMES.modeBanner && position === 'center') {
        covered = Math.ceil((parent.innerHeight + height) / 2);
      } else if (mode === NAMES.modeBanner && position === 'box') {
        covered = Math.ceil(height + remPx());
      } else {
        covered = Math.ceil(height);
      }
    }
    reserve(covered);
    keepFocusClear(covered);
  }
  const keepFocusClear = focusRoom(parent);

  // remPx is the host page's rem, in pixels: the corner box's margin.
  function remPx() {
    return parseFloat(parent.getComputedStyle(parent.document.documentElement).fontSize) || 16;
  }

  // reserve gives the widget's container, at the end of the page, the height
  // of what the frame covers at the bottom of the viewport, so that the end
  // of the page can always be scrolled out from under the widget (R9, and
  // focus: room.js). Nothing above it moves: the page's layout does not
  // shift.
  let reservedHeight = null;
  function reserve(height) {
    const container = el.parentNode;
    if (height === reservedHeight || !container || !container.style) return;
    reservedHeight = height;
    container.style.setProperty('height', height + 'px', 'important');
  }

  function setMode(m) {
    mode = m;
    root.setAttribute(NAMES.attrMode, m);
    place();
    ctx.shown(m);
  }

  // focusIfIdle moves focus into the frame (R21: the first layer takes it
  // when shown) unless the visitor already put it somewhere in the page.
  function focusIfIdle(selector) {
    const active = parent.document.activeElement;
    if (active && active !== parent.document.body) return;
    const target = document.querySelector(selector);
    if (target) target.focus({ preventScroll: true });
  }

  const programs = { page: 'idle', dialog: 'idle' };
  const waiting = { page: [], dialog: [] };
  // The functions each program answers, once it said it runs.
  const live = { page: null, dialog: null };
  // token is how a program proves it is the one this boot started: it
  // reads it from its environment, which no script of the page sees.
  const token = Array.from(w.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16)).join('');
  let opener = null;

  function fail(message) {
    console.error('consent: ' + message + '; the widget is off and optional services stay off.');
    programs.page = programs.page === 'live' ? 'live' : 'off';
    programs.dialog = 'off';
    setMode(NAMES.modeOff);
  }

  // ready is how a program says it runs, with the functions it answers.
  function ready(name, proof, handlers) {
    if (proof !== token || programs[name] !== 'starting') return false;
    programs[name] = 'live';
    live[name] = Object.freeze(Object.assign({}, handlers));
    waiting[name].splice(0).forEach((f) => f());
    return true;
  }

  function whenLive(name, f) {
    if (programs[name] === 'live') f(); else waiting[name].push(f);
  }

  // startPage starts the page program, once.
  function startPage() {
    if (programs.page !== 'idle') return;
    programs.page = 'starting';
    // The page program gets the CSP nonce of the loader's own tag, and
    // the channel to the Trusted Types policy.
    const setup = (go, memory) => {
      go.env.CIVIC_TOKEN = token;
      go.env.CIVIC_NONCE = ctx.nonce;
      return { civic: ctx.trust.importsFor(memory) };
    };
    // The warm-up run decides on the same catalogue and cookies.
    const warmData = { catalogue: ctx.catalogueText, revision: root.getAttribute(NAMES.attrRevision), cookie: parent.document.cookie };
    programRunner.prepare(files.page, warmData)
      .then((module) => programRunner.start(module, setup, () => { if (mode !== NAMES.modeOff) fail('the page program stopped'); }))
      .catch((err) => fail(err.message));
  }

  // startDialog downloads and compiles the dialog program at once, and
  // starts it once the page program runs, which it asks to store choices.
  // If it cannot, the page program still takes the first layer's choices:
  // the console says why, and the next click tries again.
  function startDialog() {
    if (programs.dialog !== 'idle') return;
    programs.dialog = 'starting';
    startPage();
    const setup = (go) => {
      go.env.CIVIC_TOKEN = token;
      return {};
    };
    programRunner.prepare(files.dialog)
      .then((module) => new Promise((resolve) => whenLive('page', resolve)).then(() =>
        programRunner.start(module, setup, () => { if (mode !== NAMES.modeOff) fail('the dialog program stopped'); })))
      .catch((err) => {
        console.error('consent: the preferences could not open: ' + err.message + '.');
        programs.dialog = 'idle';
        queues.dialog = [];
        document.querySelectorAll('[aria-busy]').forEach((b) => b.removeAttribute('aria-busy'));
      });
  }

  // open opens the preferences: at once where the dialog runs, else once
  // it does.
  function open(from) {
    opener = from || null;
    if (programs.dialog === 'live') {
      live.dialog.open();
      return;
    }
    queues.dialog.push(NAMES.actionOpen);
    startDialog();
  }

  // prefetch puts a module in the HTTP cache at low priority once the page
  // has loaded and the browser is idle, so that a later start does not
  // wait for the network. Nothing is compiled.
  const prefetched = {};
  function prefetch(url) {
    if (prefetched[url]) return;
    prefetched[url] = true;
    const link = document.createElement('link');
    link.rel = 'prefetch';
    link.href = url;
    document.head.appendChild(link);
  }
  function whenIdle(f) {
    const later = w.requestIdleCallback ? w.requestIdleCallback.bind(w) : (fn) => w.setTimeout(fn, 0);
    if (parent.document.readyState === 'complete') later(f);
    else parent.addEventListener('load', () => later(f));
  }

  // A click on a prerendered view before the programs that answer it run
  // is kept for them. A choice (accept, refuse) hides the first layer at
  // once and is also handed to the loader, which keeps it until the page
  // program has taken it: a visitor who leaves the page at once does not
  // lose it. The rest (customise, open) asks for the dialog program.
  document.addEventListener('click', (e) => {
    if (programs.dialog === 'live') return;
    const b = e.target.closest && e.target.closest('[' + NAMES.attrAction + ']');
    if (!b) return;
    e.preventDefault();
    const action = b.getAttribute(NAMES.attrAction);
    if (action === NAMES.actionAccept || action === NAMES.actionRefuse) {
      if (programs.page === 'live') {
        live.page.act(action);
        return;
      }
      queues.page.push(action);
      ctx.remember(action);
      setMode(NAMES.modePending);
      startPage();
      return;
    }
    b.setAttribute('aria-busy', 'true');
    opener = null;
    queues.dialog.push(action);
    startDialog();
  }, true);

  // The preferences are one click away from the first layer and the
  // button: a pointer moving over the control that opens them fetches the
  // dialog program ahead of the click. Movement, not a pointer that is
  // just there: after a choice the button appears where the pointer rests.
  function warmDialog(e) {
    const b = e.target.closest && e.target.closest('[' + NAMES.attrAction + '="' + NAMES.actionCustomise + '"], [' +
      NAMES.attrAction + '="' + NAMES.actionOpen + '"]');
    if (b && programs.dialog === 'idle') prefetch(files.dialog);
  }
  document.addEventListener('pointermove', warmDialog, { capture: true, passive: true });

  const civic = Object.freeze({
    get programs() { return Object.freeze(Object.assign({}, programs)); },
    get page() { return live.page; },
    get dialog() { return live.dialog; },
    catalogue: ctx.catalogue,
    catalogueText: ctx.catalogueText,
    setMode: setMode,
    adoptStyles(shadowRoot) {
      try {
        shadowRoot.adoptedStyleSheets = [ctx.sheet()];
        return true;
      } catch (err) {
        return false;
      }
    },
    trust: Object.freeze({ scriptURL: ctx.trust.scriptURL, script: ctx.trust.script }),
    ready: ready,
    takeQueue(name) {
      const q = queues[name] || [];
      if (name === 'page') ctx.forget();
      queues[name] = [];
      return q;
    },
    takeOpener() {
      const o = opener;
      opener = null;
      return o;
    },
    start: startPage,
    open: open,
    allowed(id) {
      if (programs.page === 'live') return live.page.allowed(String(id));
      startPage();
      return false;
    }
  });
  Object.defineProperty(w, 'civicFrame', { value: civic });

  const queued = root.getAttribute('data-queued');
  if (queued) queues.page.push(queued);
  theme();
  copyFonts(w);
  if (w.matchMedia) w.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', theme);
  new w.ResizeObserver(place).observe(document.body);
  w.addEventListener('resize', place);
  setMode(root.getAttribute(NAMES.attrView) || NAMES.modePending);
  if (mode === NAMES.modeBanner) focusIfIdle('#cc-banner');
  // The page program in a task of its own, after the view is placed.
  if (root.getAttribute('data-start') === 'now') w.setTimeout(startPage, 0);
  else if (root.getAttribute('data-prefetch') === 'true') whenIdle(() => { if (programs.page === 'idle') prefetch(files.page); });
  return civic;
}
