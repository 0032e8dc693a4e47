/* Boot script of the widget's frame (the srcdoc iframe consent.js creates).
 * It places the frame in the host page for each view, keeps the clicks made
 * on the prerendered first layer until the wasm runs, and starts the wasm.
 * Everything the widget decides is in Go; this is only glue.
 */
(function () {
  'use strict';
  var el = window.frameElement;
  var wasmURL = document.getElementById('cc-wasm-url').textContent;
  var queue = [];
  var mode = 'pending';

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

  function set(name, value) { el.style.setProperty(name, value, 'important'); }

  // The host themes the widget with --cc-* custom properties (usually on
  // its :root). They reach this frame's element but not its document, so
  // each one the host sets is copied onto this document's root through
  // CSSOM, which a CSP without 'unsafe-inline' allows; again when the
  // colour scheme changes, since the host's values may follow it. The list
  // is consent.css's custom properties.
  var THEME = ['--cc-bg', '--cc-fg', '--cc-muted', '--cc-accent', '--cc-accent-fg', '--cc-border',
    '--cc-focus', '--cc-font', '--cc-radius', '--cc-space', '--cc-backdrop'];
  function theme() {
    try {
      var host = parent.getComputedStyle(el);
      var root = document.documentElement.style;
      THEME.forEach(function (name) {
        var v = host.getPropertyValue(name).trim();
        if (v) root.setProperty(name, v); else root.removeProperty(name);
      });
    } catch (err) {
      console.error('consent: the page\'s theme could not be read (' + err.message + '); the default theme shows.');
    }
  }

  // place sizes the frame to what it shows: the first layer as a bar at the
  // bottom, a box in the bottom corner or a centred box (data-position), the
  // whole viewport for the modal preferences, a small box for the
  // persistent button.
  function place() {
    var root = document.body.firstElementChild;
    var position = document.documentElement.getAttribute('data-position');
    set('visibility', mode === 'pending' ? 'hidden' : 'visible');
    set('display', mode === 'off' ? 'none' : 'block');
    set('z-index', '2147483647');
    set('inset', 'auto');
    set('margin', '0');
    set('max-width', '100%');
    set('max-height', '100%');
    set('background', 'transparent');
    set('color-scheme', 'normal');
    el.setAttribute('data-mode', mode);
    // The width is set first: the content's height depends on it.
    if (mode === 'modal') {
      set('left', '0'); set('top', '0'); set('width', '100%'); set('height', '100%');
    } else if (mode === 'banner') {
      if (position === 'box') {
        set('right', '1rem'); set('bottom', '1rem'); set('width', 'min(26rem, calc(100% - 2rem))');
      } else if (position === 'center') {
        set('inset', '0'); set('margin', 'auto'); set('width', 'min(40rem, calc(100% - 2rem))');
      } else {
        set('left', '0'); set('bottom', '0'); set('width', '100%');
      }
      var height = Math.ceil(root ? root.getBoundingClientRect().height : 0);
      set('height', height + 'px');
      reserve(position === 'center' ? 0 : height);
    } else if (mode === 'button') {
      set('left', '0'); set('bottom', '0'); set('width', '100%');
      var fab = document.querySelector('.cc-fab');
      var r = fab ? fab.getBoundingClientRect() : { right: 0, height: 0 };
      set('width', Math.ceil(r.right + 8) + 'px'); set('height', Math.ceil(r.height + 16) + 'px');
      reserve(Math.ceil(r.height + 16));
    } else {
      // Hidden at full width, so that showing the banner later shifts nothing.
      set('left', '0'); set('bottom', '0'); set('width', '100%'); set('height', '0');
      reserve(0);
    }
  }

  // reserve gives the widget's container, at the end of the page, the height
  // of what the frame covers at the bottom of the viewport, so that the end
  // of the page can always be scrolled into view (R9). Nothing above it
  // moves: the page's layout does not shift.
  function reserve(height) {
    var box = el.parentNode;
    if (box && box.style) box.style.setProperty('height', height + 'px', 'important');
  }

  function setMode(m) {
    mode = m;
    document.documentElement.setAttribute('data-mode', m);
    place();
  }

  function fail(message) {
    console.error('consent: ' + message + '; the widget is off and optional services stay off.');
    setMode('off');
  }

  // A click on the prerendered first layer before the wasm runs is kept and
  // replayed by the wasm; the banner goes away at once.
  document.addEventListener('click', function (e) {
    if (window.civicFrame.live) return;
    var b = e.target.closest && e.target.closest('[data-action]');
    if (!b) return;
    e.preventDefault();
    var action = b.getAttribute('data-action');
    queue.push(action);
    if (action === 'accept' || action === 'refuse') setMode('pending');
  }, true);

  window.civicFrame = {
    live: false,
    opener: null,
    setMode: setMode,
    takeQueue: function () { var q = queue; queue = []; return q; },
    // Replaced by the wasm once it runs.
    open: function () { queue.push('open'); },
    allowed: function () { return false; }
  };

  theme();
  if (window.matchMedia) window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', theme);
  new ResizeObserver(place).observe(document.body);
  window.addEventListener('resize', place);
  setMode(document.documentElement.getAttribute('data-ask') === 'true' ? 'banner' : 'pending');

  // The wasm download starts now; wasm_exec.js, the next deferred script,
  // has run by DOMContentLoaded. The banner above does not wait for either.
  var download = fetch(wasmURL);
  document.addEventListener('DOMContentLoaded', function () {
    if (typeof Go !== 'function') {
      fail('wasm_exec.js did not load (' + document.querySelector('script[src*="wasm_exec"]').src + ')');
      return;
    }
    var go = new Go();
    download
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return WebAssembly.instantiateStreaming(r, go.importObject);
      })
      .then(function (result) { return go.run(result.instance); }, function (err) {
        throw new Error('the widget could not load ' + wasmURL + ' (' + err.name + ': ' + err.message + ')');
      })
      .then(function () { if (mode !== 'off') fail('the widget stopped'); })
      .catch(function (err) { fail(err.message); });
  });
})();
