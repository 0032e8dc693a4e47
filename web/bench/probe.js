/* Measurement hook of the benchmark. Chromium runs it in every frame (the
 * host page and the widget's srcdoc frame) before the frame's own scripts,
 * through Page.addScriptToEvaluateOnNewDocument. It changes nothing the
 * widgets see, except that WebAssembly.instantiate* keep the instance they
 * return, so that the wasm linear memory can be read afterwards.
 *
 * Every time is performance.now() of the host page (milliseconds since its
 * navigation started), taken in the page: never a clock outside it.
 */
(function () {
  'use strict';
  if (window.__bench) return;
  var b = window.__bench = { shifts: [], longtasks: [], instances: [], marks: {} };

  // Keep each wasm instance; its exported memories are its linear memory.
  var WA = window.WebAssembly;
  if (WA) {
    var keep = function (res) {
      var inst = res instanceof WA.Instance ? res : res && res.instance;
      if (inst) b.instances.push(inst);
      return res;
    };
    var streaming = WA.instantiateStreaming;
    var plain = WA.instantiate;
    if (streaming) {
      WA.instantiateStreaming = function () { return streaming.apply(WA, arguments).then(keep); };
    }
    WA.instantiate = function () { return plain.apply(WA, arguments).then(keep); };
  }
  b.wasmMemory = function () {
    var total = 0;
    b.instances.forEach(function (inst) {
      Object.keys(inst.exports).forEach(function (k) {
        var m = inst.exports[k];
        if (m instanceof WA.Memory) total += m.buffer.byteLength;
      });
    });
    return total;
  };

  function observe(type, fn) {
    try {
      new PerformanceObserver(function (list) { list.getEntries().forEach(fn); })
        .observe({ type: type, buffered: true });
    } catch (e) { /* not supported: the list stays empty */ }
  }
  function describe(node) {
    if (!node || !node.nodeName) return '';
    var s = node.nodeName.toLowerCase();
    if (node.id) s += '#' + node.id;
    if (typeof node.className === 'string' && node.className) s += '.' + node.className.trim().split(/\s+/).join('.');
    var text = (node.textContent || '').trim().replace(/\s+/g, ' ');
    if (text) s += ' «' + (text.length > 24 ? text.slice(0, 24) + '…' : text) + '»';
    return s;
  }
  observe('layout-shift', function (e) {
    b.shifts.push({
      t: e.startTime, value: e.value, input: e.hadRecentInput,
      sources: (e.sources || []).map(function (s) { return describe(s.node); }).sort().join(', ')
    });
  });
  observe('longtask', function (e) {
    var a = e.attribution && e.attribution[0];
    b.longtasks.push({
      t: e.startTime, d: e.duration, name: e.name,
      container: a ? a.containerType + ' ' + (a.containerSrc || a.containerName || a.containerId || '') : ''
    });
  });

  if (window !== window.top) return;

  // The host page watches both widgets once per animation frame. A mark is
  // the timestamp of the first frame in which its condition holds: that
  // frame is the one that paints the state (the frame's time is when it
  // began, before its paint).
  function shown(el, win) {
    if (!el) return 0;
    var st = win.getComputedStyle(el);
    if (st.display === 'none' || st.visibility !== 'visible' || Number(st.opacity) === 0) return 0;
    var r = el.getBoundingClientRect();
    var w = Math.min(r.right, win.innerWidth) - Math.max(r.left, 0);
    var h = Math.min(r.bottom, win.innerHeight) - Math.max(r.top, 0);
    if (w <= 0 || h <= 0 || r.width === 0 || r.height === 0) return 0;
    // 2: the whole box is in the viewport; 1: some of it.
    var whole = r.left >= -0.5 && r.top >= -0.5 && r.right <= win.innerWidth + 0.5 && r.bottom <= win.innerHeight + 0.5;
    return whole ? 2 : 1;
  }
  function mark(name, t) {
    if (!(name in b.marks)) b.marks[name] = t;
  }
  function ours(t) {
    var f = document.querySelector('civic-consent iframe');
    if (!f) return;
    var mode = f.getAttribute('data-mode');
    mark('mode:' + mode, t);
    var w = f.contentWindow;
    var doc = f.contentDocument;
    if (mode === 'banner' && w && doc) {
      var outer = shown(f, window);
      var inner = doc.getElementById('cc-banner');
      var laid = inner && inner.getBoundingClientRect().height > 0 && w.getComputedStyle(inner).visibility === 'visible';
      if (outer && laid) {
        mark('banner', t);
        if (outer === 2) mark('bannerWhole', t);
      }
    }
    if (w && w.civicFrame && w.civicFrame.programs.page === 'live') mark('live', t);
    if (document.querySelector('script[data-consent-service=recaptcha][data-consent-part=loader]')) mark('loader', t);
  }
  function vanilla(t) {
    var m = document.querySelector('#cc-main .cm');
    var s = shown(m, window);
    if (s) mark('banner', t);
    if (s === 2 && Number(getComputedStyle(m).opacity) === 1) mark('bannerWhole', t);
    var scripts = document.querySelectorAll('script[src*="recaptcha/api.js"]');
    for (var i = 0; i < scripts.length; i++) {
      if (!scripts[i].type || scripts[i].type === 'text/javascript') mark('loader', t);
    }
  }
  var waiters = [];
  function frame(t) {
    try {
      ours(t);
      vanilla(t);
    } catch (e) {
      b.error = String(e);
    }
    waiters = waiters.filter(function (w) { return !w(); });
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  // when resolves once every named mark is set; the check runs in the
  // frame loop above, so waiting adds no task of its own to the page.
  b.when = function (names) {
    return new Promise(function (resolve) {
      waiters.push(function () {
        var all = names.every(function (n) { return n in b.marks; });
        if (all) resolve(true);
        return all;
      });
    });
  };
})();
