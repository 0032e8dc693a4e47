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

  // Google Consent Mode v2: every type is denied before any Google tag can
  // run, even if the widget cannot start; the widget sends 'update' through
  // this function, whose arguments object is what Google's tags read.
  function gtag() { (window.dataLayer = window.dataLayer || []).push(arguments); }
  if (SITE.consentMode) {
    gtag('consent', 'default', { ad_storage: 'denied', analytics_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
  }
  var script = document.currentScript;
  if (!script || !script.src) {
    console.error('consent: consent.js must be loaded with <script src=…>; the widget is off and optional services stay off.');
    return;
  }
  var base = new URL('.', script.src).href;
  var frame = null;
  var pending = [];

  // The page's language: <html lang>, else the django_language cookie.
  function language() {
    var lang = (document.documentElement.lang || '').toLowerCase().split('-')[0];
    if (!lang) {
      var m = /(?:^|;\s*)django_language=([^;]*)/.exec(document.cookie);
      if (m) lang = decodeURIComponent(m[1]).toLowerCase().split('-')[0];
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

  // The first layer is shown at once, before the wasm arrives, when there is
  // no stored choice at all and no Global Privacy Control signal. Whether a
  // stored choice is valid is the wasm's decision.
  function mustAsk() {
    return !/(?:^|;\s*)cookies_preferences=/.test(document.cookie) &&
      navigator.globalPrivacyControl !== true;
  }

  function srcdoc(lang, ask) {
    var f = BUNDLE.files;
    return '<!doctype html><html lang="' + lang + '" data-ask="' + ask + '" data-position="' + position() + '"><head><meta charset="utf-8">' +
      '<title>' + attr(BUNDLE.titles[lang]) + '</title>' +
      '<link rel="stylesheet" href="' + attr(base + f.css) + '">' +
      '<script type="application/json" id="cc-catalogue">' + BUNDLE.catalogue.replace(/</g, '\\u003c') + '</script>' +
      '<script type="text/plain" id="cc-style-url">' + attr(base + f.css) + '</script>' +
      '<script type="text/plain" id="cc-wasm-url">' + attr(base + f.wasm) + '</script>' +
      '<script src="' + attr(base + f.frame) + '" defer></script>' +
      '<script src="' + attr(base + f.exec) + '" defer></script>' +
      '</head><body>' + BUNDLE.bodies[lang] + '</body></html>';
  }

  // civicFrame is defined by the frame's boot script once it runs.
  function boot() {
    return frame && frame.contentWindow && frame.contentWindow.civicFrame;
  }

  function open(opener) {
    var b = boot();
    if (!b) {
      pending.push(opener || null);
      return;
    }
    b.opener = opener || null;
    b.open();
  }

  function start() {
    var lang = language();
    var host = document.createElement(TAG);
    frame = document.createElement('iframe');
    frame.title = BUNDLE.titles[lang];
    frame.setAttribute('data-mode', 'pending');
    if (SITE.consentMode) frame.civicGtag = gtag;
    frame.addEventListener('load', function () {
      var b = boot();
      if (!b) return;
      pending.forEach(function (opener) { b.opener = opener; b.open(); });
      pending = [];
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
    frame.srcdoc = srcdoc(lang, mustAsk());
    host.appendChild(frame);
    document.body.appendChild(host);

    // Any element of the page with data-consent-open opens the preferences.
    document.addEventListener('click', function (e) {
      var t = e.target && e.target.closest && e.target.closest('[data-consent-open]');
      if (!t) return;
      e.preventDefault();
      open(t);
    });
  }

  // The page's own code: open the preferences, ask whether a service or a
  // category (by id) is allowed, and listen to the 'consent:change' event on
  // document. allowed() is false until the widget has read the choice.
  window.civicConsent = Object.freeze({
    open: function () { open(document.activeElement); },
    allowed: function (id) {
      var b = boot();
      return !!(b && b.live && b.allowed && b.allowed(String(id)));
    }
  });

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
