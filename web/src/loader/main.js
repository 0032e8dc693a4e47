/* The cookie-consent widget's loader. One tag on every page:
 *   <script src="/consent/consent.js" defer></script>
 * (without defer, before any Google tag, when the catalogue asks for Google
 * Consent Mode; data-position="bar|box|center" places the first layer).
 * It shows the prerendered first layer or button at once and starts the
 * widget's Go programs only where they are needed (see plan.js), in the
 * widget's own same-origin frame, so that nothing of them touches this
 * page. Every other file is found relative to this script's URL. The page
 * API it defines, civicConsent, is declared in civic-consent.d.ts. */
import { BUNDLE } from './bundle.js';
import { createTrust } from './policy.js';
import { language, position, plan, gated, remember, forget } from './plan.js';
import { showButton } from './button.js';
import { createFrame } from './frame.js';
import { bootFrame } from './boot.js';
import { api } from './api.js';

(function () {
  if (window.civicConsent) {
    console.error('consent: ' + NAMES.loaderName + ' is included more than once on this page; only the first copy runs.');
    return;
  }
  let catalogue;
  try {
    catalogue = JSON.parse(BUNDLE.catalogue);
  } catch (err) {
    console.error('consent: the catalogue in ' + NAMES.loaderName + ' is not valid JSON (' + err.message + '); the widget is off and optional services stay off.');
    return;
  }
  const site = catalogue.site;

  // Google Consent Mode v2: every type is denied (BUNDLE.consentDefault,
  // from Go) before any Google tag can run, even if the widget cannot
  // start; the page program sends 'update' through this function, whose
  // arguments object is what Google's tags read.
  function gtag() { (window.dataLayer = window.dataLayer || []).push(arguments); }
  if (site.consentMode) gtag('consent', 'default', BUNDLE.consentDefault);

  const script = document.currentScript;
  if (!script || !script.src) {
    console.error('consent: ' + NAMES.loaderName + ' must be loaded with <script src=…>; the widget is off and optional services stay off.');
    return;
  }
  // The nonce of this very tag, read now: a copy of the tag written into
  // the page later cannot name another.
  const nonce = script.nonce || '';
  const base = new URL('.', script.src).href;
  const files = {};
  Object.keys(BUNDLE.files).forEach((k) => { files[k] = base + BUNDLE.files[k]; });
  const trust = createTrust([files.exec, files.warm]);
  if (!trust) return;

  // sheet is the stylesheet as a constructed sheet of this page, built
  // once, for the shadow roots the widget puts in the page: the frame-less
  // button and the placeholders. It throws where the browser has none.
  let constructed = null;
  function sheet() {
    if (!constructed) {
      const s = new CSSStyleSheet();
      s.replaceSync(BUNDLE.css);
      constructed = s;
    }
    return constructed;
  }

  let frame = null;
  let button = null;
  // What was asked before the frame's boot ran.
  const asked = { openers: [], start: false };

  function boot() {
    return frame && frame.contentWindow && frame.contentWindow.civicFrame;
  }

  function useFrame(lang, p) {
    if (frame) return;
    frame = createFrame(lang, p, position(script, site.position), files, trust, (f) => {
      const civic = bootFrame(f.contentWindow, {
        files: files, css: BUNDLE.css, sheet: sheet, trust: trust, nonce: nonce, catalogue: catalogue, catalogueText: BUNDLE.catalogue,
        remember: remember, forget: forget,
        shown(mode) {
          if (mode === NAMES.modePending || !button) return;
          button.remove();
          button = null;
        }
      });
      if (site.consentMode) f.civicGtag = gtag;
      asked.openers.splice(0).forEach((opener) => civic.open(opener));
      if (asked.start) civic.start();
    });
    if (p.start === 'later' && BUNDLE.gated) watch();
  }

  // fromButton replaces the frame-less button with the frame, the page
  // program starting at once.
  function fromButton() {
    useFrame(language(), { view: NAMES.modePending, start: 'now' });
  }

  function open(opener) {
    const b = boot();
    if (b) {
      b.open(opener || null);
      return;
    }
    asked.openers.push(opener || null);
    if (button) fromButton();
  }

  // wake starts the page program now: content that depends on the choice
  // appeared, or the page's code asked for it.
  function wake() {
    const b = boot();
    if (b) {
      b.start();
      return;
    }
    asked.start = true;
    if (button) fromButton();
  }

  // watch wakes the page program when content that depends on the choice
  // is added to the page later. It looks only at the added nodes.
  function watch() {
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType === 1 && gated(n)) {
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
    const lang = language();
    const p = plan();
    const quiet = p.view === NAMES.modeButton && p.start === 'later' && !asked.openers.length && !asked.start;
    if (quiet && (button = showButton(lang, trust, sheet, open))) {
      if (BUNDLE.gated) watch();
      return;
    }
    useFrame(lang, p);
  }

  // Any element of the page with data-consent-open opens the preferences.
  document.addEventListener('click', (e) => {
    const t = e.target && e.target.closest && e.target.closest('[' + NAMES.attrOpen + ']');
    if (!t) return;
    e.preventDefault();
    open(t);
  });

  window.civicConsent = api({
    open: () => open(document.activeElement),
    allowed(id) {
      const b = boot();
      if (!b || b.programs.page !== 'live') {
        wake();
        return false;
      }
      return b.allowed(id);
    }
  });

  // start runs in a task of its own: evaluating this script, reading the
  // cookie and building the frame would otherwise be one long task, with
  // the parser's own end of the document (DOMContentLoaded) after it.
  const soon = () => window.setTimeout(start, 0);
  if (document.body) soon();
  else document.addEventListener('DOMContentLoaded', soon);
})();
