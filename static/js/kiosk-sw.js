/* Service worker of the kiosk: the screen and its assets load from cache when the server is unreachable. */
"use strict";

// The server puts the screen's asset URLs (content-hashed) and their version in front of this file.
var SHELL = self.KIOSK_SHELL || ["/kiosk", "/static/js/kiosk.js", "/static/css/kiosk.css", "/static/css/app.css",
  "/static/js/nav.js", "/static/favicon.svg"];
var CACHE = "kiosk-" + (self.KIOSK_SHELL_VERSION || "v2");

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key.indexOf("kiosk-") === 0 && key !== CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request, key) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (hit) { return hit || Response.error(); });
  });
}

function staleWhileRevalidate(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (hit) {
        fresh.catch(function () {});
        return hit;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0) return; // the page's queue handles the API itself
  if (url.pathname === "/kiosk" || url.pathname === "/kiosk/") {
    event.respondWith(networkFirst(request, "/kiosk"));
  } else if (SHELL.indexOf(url.pathname) >= 0 || /^\/org\/staff\/\d+\/photo$/.test(url.pathname)) {
    event.respondWith(staleWhileRevalidate(request));
  }
});
