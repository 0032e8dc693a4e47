// The hostile demo page's service worker: it only takes control of the
// /demo/ pages, so that the consent widget runs under a controlling worker.
'use strict';

self.addEventListener('install', function () {
  self.skipWaiting();
});

self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});
