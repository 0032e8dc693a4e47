/* Warm-up worker of the widget's programs (Chromium). The frame's boot asks
 * it to download and compile a program's module and to run Go's start-up
 * once, all off the page's main thread: V8 feeds a streamed module to its
 * compiler on the thread that streams it, and compiles a wasm function on
 * the thread that first calls it, sharing that code with every instance of
 * the same module. The module goes back to the page, whose own start then
 * finds those functions compiled. A program's main returns at once where
 * there is no document, as here, after running what it can of its start
 * on the catalogue and cookies it is given; the page program's import of the loader's
 * Trusted Types channel gets a stand-in that approves nothing. On any
 * failure it answers null: the page then does it all itself, and says what
 * went wrong.
 */
self.onmessage = function (e) {
  'use strict';
  var module = null;
  // What the page program's warm-up run reads (wasm/warm.go).
  self.civicWarm = e.data.warm;
  // The worker ends itself once it answered: the page then has nothing
  // to wait for.
  function done() {
    self.postMessage(module);
    self.close();
  }
  try {
    importScripts(e.data.exec);
  } catch (err) {
    done();
    return;
  }
  WebAssembly.compileStreaming(fetch(e.data.wasm))
    .then(function (m) {
      module = m;
      var go = new Go();
      go.importObject.civic = { approve: function () {} };
      return WebAssembly.instantiate(m, go.importObject).then(function (instance) { return go.run(instance); });
    })
    .then(done, done);
};
