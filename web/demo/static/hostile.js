// A deliberately unfriendly host page script. It owns window.onclick, listens
// to popstate, writes a localStorage key that is not JSON and registers a
// service worker: the consent widget must leave all of that working.
'use strict';

(function () {
  var clicks = 0;
  var pops = 0;
  var english = document.documentElement.lang === 'en';

  window.onclick = function () {
    clicks++;
    document.getElementById('host-clicks').textContent = String(clicks);
  };

  window.addEventListener('popstate', function () {
    pops++;
    document.getElementById('host-popstate').textContent = String(pops);
  });

  localStorage.setItem('host-hostile', '{not json');

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
