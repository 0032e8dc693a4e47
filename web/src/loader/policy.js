/* The widget's one Trusted Types policy. On a page whose CSP has
 * require-trusted-types-for 'script', every HTML, script URL and script
 * code the widget hands the browser goes through it; the site allows it by
 * name (trusted-types civic-consent). It is no pass-through, and nothing a
 * script of the page can reach changes what it makes:
 *  - HTML only of what this loader built (the frame's document, the
 *    frame-less button), once each time it is built;
 *  - script URLs of the bundle's own files, and a script URL or code only if
 *    the page program approved exactly that value just before, once, on a
 *    channel the page's scripts cannot call: an import of the page
 *    program's WebAssembly instance, bound by the loader (approve below).
 * Where the browser has no Trusted Types, strings go through as they are.
 */
import { BUNDLE } from './bundle.js';

// Kinds the page program approves (Go: dom.ApproveURL, dom.ApproveCode).
const APPROVE_URL = 1;
const APPROVE_CODE = 2;

// Captured now, before any later script of the page could replace them.
const TextDecoderCtor = window.TextDecoder;
const Uint8ArrayCtor = window.Uint8Array;

/**
 * createTrust creates the policy, or returns null where the page's CSP does
 * not allow it (the console says what to add). own lists the bundle's
 * script URLs the loader itself loads.
 * @param {string[]} own
 * @returns {Trust | null}
 */
export function createTrust(own) {
  let built = [];
  const approved = { 1: [], 2: [] };
  function refuse(what, why) {
    throw new TypeError('the ' + NAMES.policyName + ' Trusted Types policy refuses ' + what + ': ' + why);
  }
  function take(list, value) {
    const i = list.indexOf(value);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  }
  let policy = null;
  const tt = window.trustedTypes;
  if (tt && tt.createPolicy) {
    try {
      policy = tt.createPolicy(NAMES.policyName, {
        createHTML(html) {
          if (!take(built, html)) refuse('HTML', 'it is not markup the widget\'s loader built');
          return html;
        },
        createScriptURL(url) {
          if (own.indexOf(url) < 0 && !take(approved[APPROVE_URL], url)) {
            refuse('the script URL ' + url, 'the widget did not decide to load it');
          }
          return url;
        },
        createScript(code) {
          if (!take(approved[APPROVE_CODE], code)) refuse('a script', 'the widget did not decide to run it');
          return code;
        }
      });
    } catch (err) {
      console.error('consent: this page\'s Content-Security-Policy does not allow the Trusted Types policy "' +
        NAMES.policyName + '" (' + err.message + '): add ' + NAMES.policyName + ' to its trusted-types directive (trusted-types ' +
        NAMES.policyName + ', next to the names the site already lists); the widget is off and optional services stay off.');
      return null;
    }
  }
  return {
    html(html) {
      if (!policy) return html;
      built.push(html);
      return policy.createHTML(html);
    },
    scriptURL(url) { return policy ? policy.createScriptURL(url) : url; },
    script(code) { return policy ? policy.createScript(code) : code; },
    // importsFor returns the imports the page program's instance is given:
    // approve reads the approved value from the instance's memory, which
    // memory() returns once the instance exists.
    importsFor(memory) {
      return {
        approve(kind, ptr, len) {
          if (!policy) return;
          const bytes = new Uint8ArrayCtor(memory().buffer, ptr >>> 0, len >>> 0);
          const value = new TextDecoderCtor().decode(bytes);
          if (kind === APPROVE_URL || kind === APPROVE_CODE) approved[kind].push(value);
        }
      };
    }
  };
}
