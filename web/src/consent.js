/* Cookie-consent widget loader. One tag on every page:
 *   <script src="/consent/consent.js" defer></script>
 * (without defer, before any Google tag, when the catalogue asks for Google
 * Consent Mode; data-position="bar|box|center" places the first layer).
 * It creates the widget's own same-origin frame, where the Go/WebAssembly
 * widget (go-app) runs, so that nothing of go-app touches this page. Every
 * other file is found relative to this script's URL. The build replaces
 * the bundle placeholder below with the bundle's file names, catalogue and prerendered first
 * layers.
 */
(function () {
  'use strict';
  var BUNDLE = __BUNDLE__;
  var TAG = 'civic-consent';

  if (window.civicConsent) {
    console.error('consent: consent.js is included more than once on this page; only the first copy runs.');
    return;
  }
  var SITE;
  try {
    SITE = JSON.parse(BUNDLE.catalogue).site;
  } catch (err) {
    console.error('consent: the catalogue in consent.js is not valid JSON (' + err.message + '); the widget is off and optional services stay off.');
    return;
  }

  // Google Consent Mode v2: every type is denied (BUNDLE.consentDefault,
  // from Go) before any Google tag can run, even if the widget cannot
  // start; the widget sends 'update' through this function, whose
  // arguments object is what Google's tags read.
  function gtag() { (window.dataLayer = window.dataLayer || []).push(arguments); }
  if (SITE.consentMode) gtag('consent', 'default', BUNDLE.consentDefault);
  var script = document.currentScript;
  if (!script || !script.src) {
    console.error('consent: consent.js must be loaded with <script src=…>; the widget is off and optional services stay off.');
    return;
  }
  var base = new URL('.', script.src).href;
  var files = {
    wasm: base + BUNDLE.files.wasm, exec: base + BUNDLE.files.exec,
    css: base + BUNDLE.files.css, warm: base + BUNDLE.files.warm
  };
  var frame = null;
  var pending = [];

  // Trusted Types. On a page whose CSP has require-trusted-types-for
  // 'script', every HTML, script URL and script text the widget hands the
  // browser goes through one policy, named civic-consent (the site's CSP
  // lists it: trusted-types civic-consent), created here, once, and kept
  // in this closure. It is no pass-through: it makes HTML only of the frame
  // document this loader built, script URLs only of the bundle's own files
  // and of what the wasm's rules accept (a URL of an origin the catalogue
  // lists, see consent.TrustScriptURL), script text only of a blocked
  // inline script the activation rules allow (the page's nonce). The wasm
  // hands its rules over once, through trust.rules. Where the browser has
  // no Trusted Types, plain strings go through as before; where the site's
  // CSP does not allow the name, the widget is off (fail closed).
  var POLICY = 'civic-consent';
  var built = null;
  var rules = null;
  var policy = null;
  function refuse(what, why) {
    throw new TypeError('the ' + POLICY + ' Trusted Types policy refuses ' + what + ': ' + why);
  }
  if (window.trustedTypes && window.trustedTypes.createPolicy) {
    try {
      policy = window.trustedTypes.createPolicy(POLICY, {
        createHTML: function (html) {
          if (built === null || html !== built) refuse('HTML', 'it is not the document of the widget\'s frame');
          built = null;
          return html;
        },
        createScriptURL: function (url) {
          if (url === files.exec || url === files.warm) return url;
          var why = rules ? rules.scriptURL(url) : 'the widget is not running';
          if (why !== '') refuse('the script URL ' + url, why);
          return url;
        },
        createScript: function (text, el) {
          var why = rules ? rules.script(text, el) : 'the widget is not running';
          if (why !== '') refuse('a script', why);
          return text;
        }
      });
    } catch (err) {
      console.error('consent: this page\'s Content-Security-Policy does not allow the Trusted Types policy "' + POLICY +
        '" (' + err.message + '): add ' + POLICY + ' to its trusted-types directive (trusted-types ' + POLICY +
        ', next to the names the site already lists); the widget is off and optional services stay off.');
      return;
    }
  }
  var trust = {
    html: function (html) { return policy ? policy.createHTML(html) : html; },
    scriptURL: function (url) { return policy ? policy.createScriptURL(url) : url; },
    script: function (text, el) { return policy ? policy.createScript(text, el) : text; },
    // rules takes the wasm's checks, {scriptURL(url), script(text, el)},
    // each returning '' or why it refuses; only the first call counts, and
    // it tells whether it was the first.
    rules: function (r) {
      if (rules) return false;
      rules = r;
      return true;
    }
  };

  // The page's language: <html lang>, else the django_language cookie.
  function language() {
    var lang = (document.documentElement.lang || '').toLowerCase().split('-')[0];
    if (!lang) {
      var m = /(?:^|;\s*)django_language=([^;]*)/.exec(document.cookie);
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

  // Where the first layer shows: the script tag's data-position, else the
  // catalogue's site.position, else a bar at the bottom.
  function position() {
    var p = script.getAttribute('data-position');
    if (p && ['bar', 'box', 'center'].indexOf(p) < 0) {
      console.error('consent: data-position="' + p + '" is not bar, box or center; it is ignored.');
      p = null;
    }
    return p || SITE.position || 'bar';
  }

  function attr(s) {
    return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  }

  // storedChoice tells what the cookie holds, as far as the loader may
  // look: 'none', 'current' (one cookies_preferences naming this catalogue
  // revision) or 'other' (another revision, or several copies). Whether a
  // stored choice is valid, and what it allows, is the wasm's decision.
  function storedChoice() {
    var copies = document.cookie.split(';').map(function (s) { return s.trim(); })
      .filter(function (s) { return s.indexOf(BUNDLE.recordCookie + '=') === 0; });
    if (copies.length === 0) return 'none';
    if (copies.length === 1 && copies[0].indexOf(BUNDLE.recordCookie + '=' + BUNDLE.recordPrefix) === 0) return 'current';
    return 'other';
  }

  // gated tells whether an element of root (or root itself) depends on the
  // choice: data-consent markup or a service's placeholder.
  function gated(root) {
    if (!BUNDLE.gated) return false;
    return (root.matches && root.matches(BUNDLE.gated)) || !!(root.querySelector && root.querySelector(BUNDLE.gated));
  }

  // A choice clicked before the wasm ran is kept in this tab's
  // sessionStorage until the wasm has stored it in the cookie, so that
  // leaving the page at once does not lose it.
  var PENDING = 'civic-consent-pending';
  function pendingChoice() {
    try {
      var p = JSON.parse(sessionStorage.getItem(PENDING));
      if (p && (p.action === 'accept' || p.action === 'refuse') && p.revision === BUNDLE.revision &&
          Date.now() - p.at < 3600e3) return p.action;
    } catch (err) { /* no storage, or not ours: nothing pending */ }
    return null;
  }
  function remember(action) {
    try {
      sessionStorage.setItem(PENDING, JSON.stringify({ action: action, revision: BUNDLE.revision, at: Date.now() }));
    } catch (err) {
      console.warn('consent: the choice cannot be kept across pages (' + err.message + '); it is stored once the widget runs on this page.');
    }
  }
  function forget() {
    try { sessionStorage.removeItem(PENDING); } catch (err) { /* nothing kept */ }
  }

  // plan decides what the frame shows first and whether the wasm starts at
  // once. It starts later, on the visitor's first use of the widget or when
  // content that depends on the choice appears, only where the page needs
  // no decision now: a first visit (the first layer shows, prerendered) or
  // a return visit with one cookie of this revision (the button shows,
  // prerendered), on a page with nothing that depends on the choice.
  function plan() {
    var queued = pendingChoice();
    if (queued) return { view: 'pending', start: 'now', queued: queued };
    var stored = storedChoice();
    var needed = BUNDLE.gatedAlways || gated(document.documentElement);
    if (stored === 'current' && !needed) return { view: 'button', start: 'later' };
    if (stored === 'none' && navigator.globalPrivacyControl !== true) {
      return needed ? { view: 'banner', start: 'now' } : { view: 'banner', start: 'later', prefetch: true };
    }
    return { view: 'pending', start: 'now' };
  }

  // srcdoc is the frame's document: the prerendered view and what the wasm
  // reads. It loads nothing: bootFrame styles it and starts the wasm.
  function srcdoc(lang, p) {
    return '<!doctype html><html lang="' + lang + '" data-view="' + p.view + '" data-start="' + p.start + '"' +
      (p.queued ? ' data-queued="' + p.queued + '"' : '') + (p.prefetch ? ' data-prefetch="true"' : '') +
      ' data-position="' + position() + '"><head><meta charset="utf-8">' +
      '<title>' + attr(BUNDLE.titles[lang]) + '</title>' +
      '<script type="application/json" id="cc-catalogue">' + BUNDLE.catalogue.replace(/</g, '\\u003c') + '</script>' +
      '<script type="text/plain" id="cc-style-url">' + attr(files.css) + '</script>' +
      '</head><body>' + (p.view === 'button' ? BUNDLE.buttons[lang] : BUNDLE.bodies[lang]) + '</body></html>';
  }

  __FRAME__

  // civicFrame is defined by the frame's boot script once it runs.
  function boot() {
    return frame && frame.contentWindow && frame.contentWindow.civicFrame;
  }

  function open(opener) {
    var b = boot();
    if (!b) {
      pending.push(opener || null);
      if (button) useFrame();
      return;
    }
    b.opener = opener || null;
    b.open();
  }

  // wake starts the wasm now: content that depends on the choice appeared,
  // or the page's code asked for it.
  var wakeOnLoad = false;
  function wake() {
    var b = boot();
    if (b) {
      b.start();
      return;
    }
    wakeOnLoad = true;
    if (button) useFrame();
  }

  // A return visit to a page where nothing depends on the choice needs no
  // frame: the prerendered button shows in a shadow root of its own element
  // (the frame's document, its script context and its layout are most of
  // what the widget would cost such a page), and the frame comes, with the
  // wasm, when the button or anything else needs it. The button stays until
  // the frame shows its first view. False where the browser has no shadow
  // roots or constructed stylesheets: the frame shows the button instead.
  var button = null;

  // hostSheet is the stylesheet as a constructed sheet of this page, built
  // once, for the shadow roots the widget puts in the page: the frame-less
  // button and the placeholders (through the frame's adoptStyles). It
  // throws where the browser has no constructed stylesheets.
  var sheet = null;
  function hostSheet() {
    if (!sheet) {
      var s = new CSSStyleSheet();
      s.replaceSync(BUNDLE.css);
      sheet = s;
    }
    return sheet;
  }

  function showButton(lang) {
    var el = document.createElement(TAG + '-button');
    // Inline !important styles win over any stylesheet of the host.
    el.style.setProperty('all', 'initial', 'important');
    el.style.setProperty('display', 'block', 'important');
    var shadow;
    try {
      shadow = el.attachShadow({ mode: 'open' });
      shadow.adoptedStyleSheets = [hostSheet()];
    } catch (err) {
      return false;
    }
    // The host's theme: its --cc-* custom properties, which the
    // stylesheet's :host defaults would otherwise hide from the button.
    var page = getComputedStyle(document.body);
    BUNDLE.theme.forEach(function (name) {
      var v = page.getPropertyValue(name).trim();
      if (v) el.style.setProperty(name, v);
    });
    var root = document.createElement('div');
    root.className = 'cc-root' + (SITE.theme ? ' cc-theme-' + SITE.theme : '');
    root.setAttribute('data-view', 'button');
    var fab = document.createElement('button');
    fab.type = 'button';
    fab.className = 'cc-fab';
    fab.setAttribute('data-action', 'open');
    fab.textContent = BUNDLE.buttonLabels[lang];
    fab.addEventListener('click', function (e) {
      e.preventDefault();
      fab.setAttribute('aria-busy', 'true');
      open(fab);
    });
    root.appendChild(fab);
    shadow.appendChild(root);
    document.body.appendChild(el);
    // The page's end keeps clear of the button, as the frame's does (R9),
    // and so does focus scrolling (2.4.11; see keepFocusClear in frame.js).
    var room = Math.ceil(fab.getBoundingClientRect().height + 16);
    el.style.setProperty('height', room + 'px', 'important');
    try {
      var own = getComputedStyle(document.documentElement).getPropertyValue('scroll-padding-bottom');
      focusRoom = new CSSStyleSheet();
      focusRoom.replaceSync(':root { scroll-padding-bottom: ' + (own && own !== 'auto' ? 'max(' + own + ', ' + room + 'px)' : room + 'px') + ' !important; }');
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat(focusRoom);
    } catch (err) { /* no constructed stylesheets: no room for focus */ }
    button = el;
    return true;
  }
  var focusRoom = null;

  // useFrame replaces the frame-less button with the frame, the wasm
  // starting at once.
  function useFrame() {
    if (frame) return;
    createFrame(language(), { view: 'pending', start: 'now' });
  }

  // watch wakes the wasm when content that depends on the choice is added
  // to the page later. It looks only at the added nodes.
  function watch() {
    var observer = new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        var nodes = records[i].addedNodes;
        for (var j = 0; j < nodes.length; j++) {
          if (nodes[j].nodeType === 1 && gated(nodes[j])) {
            observer.disconnect();
            wake();
            return;
          }
        }
      }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  }

  function start() {
    var lang = language();
    var p = plan();
    var quiet = p.view === 'button' && p.start === 'later' && !pending.length && !wakeOnLoad;
    if (quiet && showButton(lang)) {
      if (BUNDLE.gated) watch();
      return;
    }
    createFrame(lang, p);
  }

  function createFrame(lang, p) {
    var host = document.createElement(TAG);
    frame = document.createElement('iframe');
    frame.title = BUNDLE.titles[lang];
    frame.setAttribute('data-mode', 'pending');
    if (SITE.consentMode) frame.civicGtag = gtag;
    frame.civicRemember = remember;
    frame.civicForget = forget;
    frame.civicHostSheet = hostSheet;
    frame.civicShown = function (mode) {
      if (mode === 'pending' || !button) return;
      button.remove();
      button = null;
      if (focusRoom) document.adoptedStyleSheets = document.adoptedStyleSheets.filter(function (s) { return s !== focusRoom; });
    };
    // The frame's document has loaded (a page that moves the widget's
    // element reloads it): boot it, then hand it what was asked meanwhile.
    frame.addEventListener('load', function () {
      var w = frame.contentWindow;
      if (!w || !w.document.getElementById('cc-catalogue')) return;
      bootFrame(w, files, BUNDLE.css, BUNDLE.theme, trust);
      var b = boot();
      pending.forEach(function (opener) { b.opener = opener; b.open(); });
      pending = [];
      if (wakeOnLoad) b.start();
    });
    // Inline !important styles win over any stylesheet of the host.
    host.style.setProperty('all', 'initial', 'important');
    host.style.setProperty('display', 'block', 'important');
    frame.style.setProperty('position', 'fixed', 'important');
    // Laid out at its final width from the start, so that showing the
    // banner does not shift its content.
    frame.style.setProperty('left', '0', 'important');
    frame.style.setProperty('bottom', '0', 'important');
    frame.style.setProperty('width', '100%', 'important');
    frame.style.setProperty('height', '0', 'important');
    frame.style.setProperty('border', '0', 'important');
    frame.style.setProperty('visibility', 'hidden', 'important');
    built = srcdoc(lang, p);
    frame.srcdoc = trust.html(built);
    host.appendChild(frame);
    document.body.appendChild(host);
    if (p.start === 'later' && BUNDLE.gated) watch();
  }

  // Any element of the page with data-consent-open opens the preferences.
  document.addEventListener('click', function (e) {
    var t = e.target && e.target.closest && e.target.closest('[data-consent-open]');
    if (!t) return;
    e.preventDefault();
    open(t);
  });

  // The page's own code: open the preferences, ask whether a service or a
  // category (by id) is allowed, and listen to the 'consent:change' event on
  // document. allowed() is false until the widget has read the choice; the
  // first call starts the widget on a page where it was waiting.
  window.civicConsent = Object.freeze({
    open: function () { open(document.activeElement); },
    allowed: function (id) {
      var b = boot();
      if (!b || !b.live) {
        wake();
        return false;
      }
      return !!(b.allowed && b.allowed(String(id)));
    }
  });

  // start runs in a task of its own: evaluating this script, reading the
  // cookie and building the frame would otherwise be one long task, with
  // the parser's own end of the document (DOMContentLoaded) after it.
  function soon() { window.setTimeout(start, 0); }
  if (document.body) soon();
  else document.addEventListener('DOMContentLoaded', soon);
})();
