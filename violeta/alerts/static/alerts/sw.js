/*
 * MIA service worker: the app starts without a connection. It caches the app shell (the page, its script,
 * styles and icons) and nothing else: API answers are never cached, they carry personal data.
 * Served by violeta.alerts.views_app.service_worker, which fills in the shell's URLs and the version.
 */
"use strict";

var SHELL = "__SHELL__";
var CACHE = "mia-shell-__VERSION__";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        return cache.addAll(SHELL);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("mia-shell-") === 0 && name !== CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) {
    return; // the API always goes to the network
  }
  if (request.mode === "navigate") {
    // The page: fresh when online, the cached shell when not.
    event.respondWith(
      fetch(request)
        .then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) {
              cache.put(request, copy);
            });
          }
          return response;
        })
        .catch(function () {
          return caches.match(request).then(function (hit) {
            return hit || caches.match(SHELL[0]);
          });
        })
    );
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request);
      })
    );
  }
});
