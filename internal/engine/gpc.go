package engine

// gpcJS makes navigator.globalPrivacyControl true. Engines run it in every
// new document before the page's own scripts. It overrides the getter on
// Navigator.prototype, where Firefox defines its native one, so both read
// the same.
const gpcJS = `Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {get: () => true, configurable: true, enumerable: true});`
