/* Running the widget's Go programs in its frame: wasm_exec.js, once, then
 * each program's module, compiled off the main thread where that helps.
 * Everything the programs decide is in Go; this is only glue. */

/**
 * runner returns the functions that run a program in the frame's window w:
 * prepare(url, warmData) loads wasm_exec.js and compiles the module at url
 * (warmData goes to the warm-up worker's run), resolving to the module or
 * rejecting with what went wrong; start(module, setup, onExit) runs it,
 * setup(go, memory) giving the Go instance environment variables and
 * returning import modules to add to Go's own (memory returns the
 * instance's memory once it exists). onExit runs if the program ever ends
 * (a program that cannot run ends after saying why).
 * @param {Window} w
 * @param {Files} files
 * @param {Trust} trust
 */
export function runner(w, files, trust) {
  let exec = null;
  function loadExec() {
    if (!exec) {
      exec = new Promise((resolve, reject) => {
        const s = w.document.createElement('script');
        s.onload = () => (typeof w.Go === 'function' ? resolve() : reject(new Error('wasm_exec.js did not define Go (' + files.exec + ')')));
        s.onerror = () => reject(new Error('wasm_exec.js did not load (' + files.exec + ')'));
        s.src = trust.scriptURL(files.exec);
        w.document.head.appendChild(s);
      });
    }
    return exec;
  }

  // warm has a worker (warm.js) download and compile the module and run
  // Go's start-up once, off the main thread, where the engine shares the
  // code compiled there with the page: V8, told apart by
  // navigator.userAgentData, which only Chromium-based browsers have
  // (Firefox compiles a streamed module in the background anyway, and
  // Safari has known bugs with posting modules). It resolves to the
  // module, or to null if the worker could not: the frame then compiles it.
  function warm(url, data) {
    if (!files.warm || !w.Worker || !w.navigator.userAgentData) return Promise.resolve(null);
    return new Promise((resolve) => {
      let worker, limit;
      // The worker ends itself once it answered; it is stopped only when
      // it fails or takes too long.
      function done(e) {
        w.clearTimeout(limit);
        const module = e && e.data instanceof w.WebAssembly.Module ? e.data : null;
        if (worker && !module) worker.terminate();
        resolve(module);
      }
      try {
        worker = new w.Worker(trust.scriptURL(files.warm));
        worker.onmessage = worker.onerror = done;
        worker.postMessage({ wasm: url, exec: files.exec, warm: data });
        limit = w.setTimeout(done, 30000);
      } catch (err) {
        done();
      }
    });
  }

  // compile compiles the module in the frame from a direct fetch()
  // response, so that Chromium can cache the compiled code.
  function compile(url) {
    return w.fetch(url).then((r) => {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return w.WebAssembly.compileStreaming(r);
    });
  }

  // prepare starts loading wasm_exec.js and compiling the module at url,
  // and resolves to the module once both are there.
  function prepare(url, warmData) {
    const module = warm(url, warmData).then((m) => m || compile(url)).catch((err) => {
      throw new Error('the widget could not load ' + url + ' (' + err.name + ': ' + err.message + ')');
    });
    return Promise.all([loadExec(), module]).then((done) => done[1]);
  }

  // start instantiates a prepared module and runs it.
  function start(module, setup, onExit) {
    const go = new w.Go();
    let instance = null;
    const extra = setup(go, () => instance.exports.mem);
    Object.keys(extra).forEach((name) => { go.importObject[name] = extra[name]; });
    return w.WebAssembly.instantiate(module, go.importObject).then((inst) => new Promise((resolve) => {
      instance = inst;
      // Go's start in a task of its own, after the instantiation's.
      w.setTimeout(() => {
        // go.run settles only when the program ends: it is not waited for.
        go.run(inst).then(onExit, onExit);
        resolve();
      }, 0);
    }));
  }

  return { prepare: prepare, start: start };
}
