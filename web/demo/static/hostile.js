// A deliberately unfriendly host page script. It owns window.onclick,
// window.onpopstate and window.onresize, writes storage keys that are not
// JSON and registers a service worker: the consent widget must leave all of
// that working.
'use strict';

(function () {
  var clicks = 0;
  var pops = 0;
  var resizes = 0;
  var english = document.documentElement.lang === 'en';

  window.onclick = function () {
    clicks++;
    document.getElementById('host-clicks').textContent = String(clicks);
  };
  window.onpopstate = function () {
    pops++;
    document.getElementById('host-popstate').textContent = String(pops);
  };
  window.onresize = function () {
    resizes++;
  };
  // The handlers the page set, for a test to check they are still the ones
  // in place.
  window.hostHandlers = Object.freeze({ click: window.onclick, popstate: window.onpopstate, resize: window.onresize });

  localStorage.setItem('host-hostile', '{not json');
  sessionStorage.setItem('host-hostile-session', '{not json');

  var sw = document.getElementById('host-sw');
  if (!('serviceWorker' in navigator)) {
    sw.dataset.state = 'unsupported';
    sw.textContent = english ? 'not supported' : 'non pris en charge';
    return;
  }
  navigator.serviceWorker.register('/demo/sw.js').then(function () {
    sw.dataset.state = 'registered';
    sw.textContent = english ? 'registered' : 'enregistré';
  }, function (err) {
    sw.dataset.state = 'failed';
    sw.textContent = (english ? 'failed: ' : 'échec : ') + err;
  });
})();
