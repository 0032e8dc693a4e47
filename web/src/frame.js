/* Boot of the widget's frame (the srcdoc iframe consent.js creates). The
 * build copies this function into consent.js, which calls it with the
 * frame's window once the frame's document has loaded: the frame needs no
 * script or stylesheet request of its own before the first layer shows.
 * It styles the frame's document (a constructed stylesheet, which a CSP
 * without 'unsafe-inline' allows), places the frame in the host page for
 * each view, keeps the clicks made on the prerendered first layer or button
 * until the wasm runs, and starts the wasm: at once when the loader says the
 * page needs a decision (data-start="now"), else on the visitor's first use
 * of the widget or when the loader sees content that depends on the choice.
 * Everything the widget decides is in Go; this is only glue.
 *
 * Once settled it schedules nothing: no timer, no animation frame, and a
 * frame resize only when the size it wants differs from the size it has.
 *
 * window is the frame's window; files holds the URLs of the stylesheet, of
 * wasm_exec.js and of the wasm, css the stylesheet's text,
 * themeProperties the names of the theme's custom properties, and trust
 * the loader's Trusted Types policy (html, scriptURL, script, rules),
 * through which every script URL goes: the frame's document has the
 * host's CSP.
 */
function bootFrame(window, files, css, themeProperties, trust) {
  'use strict';
  var document = window.document;
  var parent = window.parent;
  var el = window.frameElement;
  var root = document.documentElement;
  var wasmURL = files.wasm;
  var queue = [];
  var mode = 'pending';

  // The stylesheet as a constructed sheet, with no request; where the
  // browser cannot, as a link to the same file.
  try {
    var sheet = new window.CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [sheet];
  } catch (err) {
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = files.css;
    document.head.appendChild(link);
  }

  // adoptStyles styles a shadow root of the host page (a placeholder) with
  // the loader's constructed sheet of the host's document (civicHostSheet,
  // built once): styled at once, a placeholder does not change size when a
  // stylesheet arrives. False where the browser cannot: the caller links it.
  function adoptStyles(shadowRoot) {
    try {
      shadowRoot.adoptedStyleSheets = [el.civicHostSheet()];
      return true;
    } catch (err) {
      return false;
    }
  }

  // go-app expects these globals from its own app.js, which is not used.
  window.goappGetenv = function () { return undefined; };
  window.goappNav = function () {};
  window.goappOnUpdate = function () {};
  window.goappOnAppInstallChange = function () {};

  // go-app's engine reads every localStorage key of the origin and deletes
  // those it takes for its own expired states. This frame shares the host's
  // origin, so go-app gets a private in-memory storage instead.
  function memoryStorage() {
    var items = new Map();
    return {
      get length() { return items.size; },
      key: function (i) { return Array.from(items.keys())[i] || null; },
      getItem: function (k) { return items.has(String(k)) ? items.get(String(k)) : null; },
      setItem: function (k, v) { items.set(String(k), String(v)); },
      removeItem: function (k) { items.delete(String(k)); },
      clear: function () { items.clear(); }
    };
  }
  Object.defineProperty(window, 'localStorage', { value: memoryStorage() });
  Object.defineProperty(window, 'sessionStorage', { value: memoryStorage() });

  // apply sets the frame's inline styles, each only when it changes: every
  // change of the frame's size fires a resize in this window, which calls
  // place again, so writing a value it already has would loop for ever.
  var applied = {};
  function apply(styles) {
    Object.keys(styles).forEach(function (name) {
      if (applied[name] === styles[name]) return;
      applied[name] = styles[name];
      el.style.setProperty(name, styles[name], 'important');
    });
  }

  // The host themes the widget with custom properties (usually on its
  // :root): themeProperties, the build's copy of Go's app.ThemeProperties.
  // They reach this frame's element but not its document, so each one the
  // host sets is copied onto this document's root through CSSOM, which a
  // CSP without 'unsafe-inline' allows; again when the colour scheme
  // changes, since the host's values may follow it.
  function theme() {
    try {
      var host = parent.getComputedStyle(el);
      themeProperties.forEach(function (name) {
        var v = host.getPropertyValue(name).trim();
        if (v) root.style.setProperty(name, v); else root.style.removeProperty(name);
      });
    } catch (err) {
      console.error('consent: the page\'s theme could not be read (' + err.message + '); the default theme shows.');
    }
  }

  // fonts gives this document the page's @font-face rules (as FontFaces,
  // URLs resolved as the page resolves them) for the families the widget's
  // font names, since a document does not see its parent's fonts: the DSFR
  // theme's Marianne, which only a site may serve. Another origin's
  // stylesheet cannot be read; without a rule the next font shows.
  function fonts() {
    var unquote = function (s) { return s.trim().replace(/^["']|["']$/g, '').toLowerCase(); };
    var first = document.querySelector('.cc-root') || document.body;
    var wanted = window.getComputedStyle(first).fontFamily.split(',').map(unquote);
    function read(rules, base) {
      Array.prototype.forEach.call(rules, function (r) {
        if (r.cssRules) { read(r.cssRules, base); return; }
        if (!(r instanceof parent.CSSFontFaceRule) || wanted.indexOf(unquote(r.style.getPropertyValue('font-family'))) < 0) return;
        var src = r.style.getPropertyValue('src').replace(/url\(\s*(["']?)([^"')]+)\1\s*\)/g, function (m, q, u) {
          return 'url("' + new URL(u, base).href + '")';
        });
        var descriptors = {}, names = { style: 'font-style', weight: 'font-weight', stretch: 'font-stretch', unicodeRange: 'unicode-range', display: 'font-display' };
        Object.keys(names).forEach(function (d) { descriptors[d] = r.style.getPropertyValue(names[d]) || undefined; });
        document.fonts.add(new window.FontFace(r.style.getPropertyValue('font-family').trim().replace(/^["']|["']$/g, ''), src, descriptors));
      });
    }
    // WebKit lists a document's adopted stylesheets in styleSheets too.
    var sheets = Array.prototype.slice.call(parent.document.styleSheets).concat(parent.document.adoptedStyleSheets || []);
    sheets.forEach(function (sheet, i) {
      if (sheets.indexOf(sheet) !== i) return;
      try {
        read(sheet.cssRules, sheet.href || parent.document.baseURI);
      } catch (err) { /* a stylesheet of another origin, or no FontFace: the next font */ }
    });
  }

  // box is where the frame stands for a view: the first layer as a bar at
  // the bottom, a box in the bottom corner or a centred box (data-position),
  // the whole viewport for the modal preferences, a small box for the
  // persistent button, nothing while pending. Every view gives every
  // property, so that no value of another view is left behind.
  function box(position) {
    var b = { top: 'auto', right: 'auto', bottom: '0', left: '0', margin: '0', width: '100%', height: '0' };
    if (mode === 'modal') {
      b.top = '0'; b.height = '100%';
    } else if (mode === 'banner' && position === 'box') {
      b.left = 'auto'; b.right = '1rem'; b.bottom = '1rem'; b.width = 'min(26rem, calc(100% - 2rem))';
    } else if (mode === 'banner' && position === 'center') {
      b.top = '0'; b.right = '0'; b.margin = 'auto'; b.width = 'min(40rem, calc(100% - 2rem))';
    }
    return b;
  }

  // place sizes the frame to what it shows. The width is applied before the
  // banner's height is read, since that height depends on it; the button's
  // size does not depend on the frame's (it is fixed at the bottom left), so
  // it is read first and the frame is sized once.
  function place() {
    var position = root.getAttribute('data-position');
    var b = box(position);
    if (mode === 'button') {
      var fab = document.querySelector('.cc-fab');
      var r = fab ? fab.getBoundingClientRect() : { right: 0, height: 0 };
      b.width = Math.ceil(r.right + 8) + 'px';
      b.height = Math.ceil(r.height + 16) + 'px';
    }
    apply({
      visibility: mode === 'pending' ? 'hidden' : 'visible',
      display: mode === 'off' ? 'none' : 'block',
      'z-index': '2147483647', 'max-width': '100%', 'max-height': '100%',
      background: 'transparent', 'color-scheme': 'normal',
      top: b.top, right: b.right, bottom: b.bottom, left: b.left, margin: b.margin, width: b.width
    });
    if (mode === 'banner') {
      var content = document.body.firstElementChild;
      b.height = Math.ceil(content ? content.getBoundingClientRect().height : 0) + 'px';
    }
    apply({ height: b.height });
    if (el.getAttribute('data-mode') !== mode) el.setAttribute('data-mode', mode);
    // What the frame covers, from its top to the viewport's bottom: the
    // first layer in any position (a centred box hides the lower half too)
    // and the button; the modal dialog keeps focus and needs no room.
    var covered = 0;
    if (mode === 'banner' || mode === 'button') {
      covered = Math.max(0, Math.ceil(parent.document.documentElement.clientHeight - el.getBoundingClientRect().top));
    }
    reserve(covered);
    keepFocusClear(covered);
  }

  // reserve gives the widget's container, at the end of the page, the height
  // of what the frame covers at the bottom of the viewport, so that the end
  // of the page can always be scrolled out from under the widget (R9, and
  // focus, below). Nothing above it moves: the page's layout does not shift.
  var reservedHeight = null;
  function reserve(height) {
    var container = el.parentNode;
    if (height === reservedHeight || !container || !container.style) return;
    reservedHeight = height;
    container.style.setProperty('height', height + 'px', 'important');
  }

  // keepFocusClear keeps what the keyboard focuses out from under the
  // widget (WCAG 2.2, 2.4.11, 2.4.12): a browser scrolls a focused element
  // just into view, where the widget is, unless the scrolling box's
  // scroll-padding-bottom keeps room. Chromium, Firefox and WebKit apply the
  // root's to focus scrolling (not the body's), so while the widget covers
  // the bottom the root gets that height (the page's own where more) from
  // a stylesheet adopted by the page: no attribute changes, nothing moves.
  var focusRoom = null;
  var focusSheet = null;
  var pagePadding = '';
  function keepFocusClear(height) {
    if (height === focusRoom) return;
    var doc = parent.document;
    try {
      if (!focusSheet) focusSheet = new parent.CSSStyleSheet();
      if (!focusRoom) {
        focusSheet.replaceSync('');
        pagePadding = parent.getComputedStyle(doc.documentElement).getPropertyValue('scroll-padding-bottom');
      }
      var room = pagePadding && pagePadding !== 'auto' ? 'max(' + pagePadding + ', ' + height + 'px)' : height + 'px';
      focusSheet.replaceSync(height > 0 ? ':root { scroll-padding-bottom: ' + room + ' !important; }' : '');
      if (height > 0 && doc.adoptedStyleSheets.indexOf(focusSheet) < 0) doc.adoptedStyleSheets = doc.adoptedStyleSheets.concat(focusSheet);
      focusRoom = height;
    } catch (err) {
      focusRoom = height;
    }
  }

  function setMode(m) {
    mode = m;
    root.setAttribute('data-mode', m);
    place();
    if (el.civicShown) el.civicShown(m);
  }

  // focusIfIdle moves focus into the frame (R21: the first layer takes it
  // when shown) unless the visitor already put it somewhere in the page.
  function focusIfIdle(selector) {
    var active = parent.document.activeElement;
    if (active && active !== parent.document.body) return;
    var target = document.querySelector(selector);
    if (target) target.focus({ preventScroll: true });
  }

  function fail(message) {
    console.error('consent: ' + message + '; the widget is off and optional services stay off.');
    civic.state = 'off';
    setMode('off');
  }

  // start loads wasm_exec.js and, side by side, the compiled module, then
  // runs it, once.
  function start() {
    if (civic.state !== 'idle') return;
    civic.state = 'starting';
    var module = warm();
    var exec = document.createElement('script');
    exec.onload = function () { module.then(run); };
    exec.onerror = function () { fail('wasm_exec.js did not load (' + files.exec + ')'); };
    try {
      exec.src = trust.scriptURL(files.exec);
    } catch (err) {
      fail('wasm_exec.js cannot be loaded (' + err.message + ')');
      return;
    }
    document.head.appendChild(exec);
  }

  // warm has a worker (warm.js) download and compile the module and run
  // Go's start-up once, off the main thread, where the engine shares the
  // code compiled there with the page: V8, told apart by
  // navigator.userAgentData, which only Chromium-based browsers have
  // (Firefox compiles a streamed module in the background anyway, and
  // Safari has known bugs with posting modules). It resolves to the module,
  // or to null if the worker could not: the page then compiles it itself.
  function warm() {
    if (!files.warm || !window.Worker || !window.navigator.userAgentData) return Promise.resolve(null);
    return new Promise(function (resolve) {
      var worker, limit;
      function done(e) {
        window.clearTimeout(limit);
        if (worker) worker.terminate();
        resolve(e && e.data instanceof window.WebAssembly.Module ? e.data : null);
      }
      try {
        worker = new window.Worker(trust.scriptURL(files.warm));
        worker.onmessage = worker.onerror = done;
        worker.postMessage({ wasm: wasmURL, exec: files.exec });
        limit = window.setTimeout(done, 30000);
      } catch (err) {
        done();
      }
    });
  }

  // compile compiles the module on this thread from a direct fetch()
  // response, so that Chromium can cache the compiled code.
  function compile() {
    return window.fetch(wasmURL).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return window.WebAssembly.compileStreaming(r);
    });
  }

  function run(module) {
    if (typeof window.Go !== 'function') {
      fail('wasm_exec.js did not define Go (' + files.exec + ')');
      return;
    }
    var go = new window.Go();
    (module ? Promise.resolve(module) : compile())
      .then(function (m) { return window.WebAssembly.instantiate(m, go.importObject); })
      .then(function (instance) { return go.run(instance); }, function (err) {
        throw new Error('the widget could not load ' + wasmURL + ' (' + err.name + ': ' + err.message + ')');
      })
      .then(function () { if (mode !== 'off') fail('the widget stopped'); })
      .catch(function (err) { fail(err.message); });
  }

  // prefetch puts the wasm in the HTTP cache at low priority once the page
  // has loaded and the browser is idle, so that a later start does not wait
  // for the network. Nothing is compiled.
  function prefetch() {
    var later = window.requestIdleCallback ? window.requestIdleCallback.bind(window) : function (fn) { window.setTimeout(fn, 0); };
    function go() {
      if (civic.state !== 'idle') return;
      var link = document.createElement('link');
      link.rel = 'prefetch';
      link.href = wasmURL;
      document.head.appendChild(link);
    }
    if (parent.document.readyState === 'complete') later(go);
    else parent.addEventListener('load', function () { later(go); });
  }

  // A click on the prerendered first layer or button before the wasm runs
  // starts it and is kept for it to replay. A choice (accept, refuse) hides
  // the first layer at once and is also handed to the loader, which keeps
  // it until the wasm has taken it: a visitor who leaves the page at once
  // does not lose it.
  document.addEventListener('click', function (e) {
    if (civic.live) return;
    var b = e.target.closest && e.target.closest('[data-action]');
    if (!b) return;
    e.preventDefault();
    var action = b.getAttribute('data-action');
    queue.push(action);
    if (action === 'accept' || action === 'refuse') {
      if (el.civicRemember) el.civicRemember(action);
      setMode('pending');
    } else {
      b.setAttribute('aria-busy', 'true');
    }
    start();
  }, true);

  var civic = window.civicFrame = {
    // idle: waiting for a reason to start; starting; off. The wasm sets
    // live once it runs.
    state: 'idle',
    live: false,
    opener: null,
    setMode: setMode,
    adoptStyles: adoptStyles,
    start: start,
    // The wasm's way to the loader's Trusted Types policy.
    trust: { scriptURL: trust.scriptURL, script: trust.script, rules: trust.rules },
    takeQueue: function () {
      var q = queue;
      queue = [];
      if (el.civicForget) el.civicForget();
      return q;
    },
    // Replaced by the wasm once it runs.
    open: function () { queue.push('open'); start(); },
    allowed: function () { start(); return false; }
  };

  var queued = root.getAttribute('data-queued');
  if (queued) queue.push(queued);
  theme();
  fonts();
  if (window.matchMedia) window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', theme);
  new window.ResizeObserver(place).observe(document.body);
  window.addEventListener('resize', place);
  setMode(root.getAttribute('data-view') || 'pending');
  if (mode === 'banner') focusIfIdle('#cc-banner');
  if (root.getAttribute('data-start') === 'now') start();
  else if (root.getAttribute('data-prefetch') === 'true') prefetch();
}
