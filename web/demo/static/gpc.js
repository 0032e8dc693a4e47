// Global Privacy Control emulation for the demo site. A page asked for with
// ?gpc=1 loads this file before the consent loader, so that every browser
// (WebKit has no GPC at all) can show what the widget does with the signal:
// navigator.globalPrivacyControl reads true, as in a browser that sends it.
// It is defined on Navigator.prototype, where browsers that support GPC
// define their own, so it replaces theirs too.
'use strict';

Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
  get: function () { return true; },
  configurable: true,
  enumerable: true
});
