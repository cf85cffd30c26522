/* The kiosk screen: pairing, one-question rating, durable offline queue (IndexedDB), batch drain. */
(function () {
  "use strict";

  var root = document.getElementById("kiosk");
  if (!root) return;
  var TEXTS = JSON.parse(document.getElementById("kiosk-texts").textContent);
  var API = root.dataset.api;
  var VERSION = root.dataset.version;
  var STORE = window.localStorage;
  var KEY_TOKEN = "kiosk.token";
  var KEY_CONFIG = "kiosk.config";

  var token = tokenFromAddress() || STORE.getItem(KEY_TOKEN);

  function tokenFromAddress() {
    // `flask kiosk register` prints /kiosk#token=…: keep the token, take it out of the address bar.
    var match = /^#token=(kd_[A-Za-z0-9_-]+)$/.exec(window.location.hash);
    if (!match) return null;
    STORE.setItem(KEY_TOKEN, match[1]);
    STORE.removeItem("kiosk.config");
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    return match[1];
  }
  var config = null;
  var lang = "vi"; // every citizen starts in Vietnamese; the toggle lasts until the next reset
  var selection = { staff: null, field: null, level: null, reasons: [] };
  var idleTimer = null;
  var thanksTimer = null;
  var current = "k-loading";
  var held = null; // id of the rating whose optional follow-up is still open: queued, sent once it closes
  var heldEntry = null;
  var chosen = false; // a level was tapped: further taps are ignored until the next reset (double tap)
  var armedAt = 0; // the follow-up ignores taps before this time (the second tap of a double tap)
  var ARM_MS = 600;

  function $(id) { return document.getElementById(id); }

  function t(key, n) {
    var entry = TEXTS[key] || {};
    var text = entry[lang] || entry.vi || key;
    return n === undefined ? text : text.replace("{n}", String(n));
  }

  function label(pair) { return (pair && (pair[lang] || pair.vi)) || ""; }

  // --- identifiers ---------------------------------------------------------------------------

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes); // also on plain http, where randomUUID is missing
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- the durable queue (IndexedDB): written before anything else --------------------------

  var dbPromise = null;

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = window.indexedDB.open("kiosk", 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        var queue = db.createObjectStore("queue", { keyPath: "id" });
        queue.createIndex("queued", "queued");
        db.createObjectStore("rejected", { keyPath: "id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { dbPromise = null; reject(request.error); };
    });
    return dbPromise;
  }

  function transaction(stores, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(stores, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
        result = work(tx);
      });
    });
  }

  function requestValue(request, holder) {
    request.onsuccess = function () { holder.value = request.result; };
  }

  function enqueue(item, queued) {
    var entry = { id: item.id, queued: queued || Date.now(), item: item };
    return transaction(["queue"], "readwrite", function (tx) {
      tx.objectStore("queue").put(entry);
    }).then(function () { return entry; });
  }

  function readBatch(limit) {
    var holder = {};
    return transaction(["queue"], "readonly", function (tx) {
      requestValue(tx.objectStore("queue").index("queued").getAll(null, limit), holder);
      return holder;
    }).then(function () { return holder.value || []; });
  }

  function counts() {
    var queued = {};
    var rejected = {};
    return transaction(["queue", "rejected"], "readonly", function (tx) {
      requestValue(tx.objectStore("queue").count(), queued);
      requestValue(tx.objectStore("rejected").count(), rejected);
    }).then(function () { return { queued: queued.value || 0, rejected: rejected.value || 0 }; });
  }

  function settle(batch, results) {
    // Stored or already there: done. Rejected: kept aside (never dropped silently) for staff to see.
    return transaction(["queue", "rejected"], "readwrite", function (tx) {
      var queue = tx.objectStore("queue");
      var rejected = tx.objectStore("rejected");
      results.forEach(function (result, index) {
        var entry = batch[index];
        if (!entry) return;
        if (result.status === "rejected") {
          rejected.put({ id: entry.id, item: entry.item, errors: result.errors || {}, at: Date.now() });
        }
        queue.delete(entry.id);
      });
    });
  }

  function refuse(entry, status, message) {
    // The server will never accept this item (a 4xx answer to it alone): out of the queue, counted.
    return transaction(["queue", "rejected"], "readwrite", function (tx) {
      tx.objectStore("rejected").put({ id: entry.id, item: entry.item, errors: { request: status + " " + (message || "") }, at: Date.now() });
      tx.objectStore("queue").delete(entry.id);
    });
  }

  // --- sending: batches, retry with back-off, on a timer and when the network returns ---------

  var draining = false;
  var backoff = 0;
  var retryTimer = null;
  var BATCH = 500;
  var batchSize = BATCH;
  var isolating = 0; // after a batch refused whole: items left to send one by one to find the bad one

  function headers(extra) {
    var result = { "Authorization": "Bearer " + token, "X-Kiosk-Version": VERSION };
    Object.keys(extra || {}).forEach(function (key) { result[key] = extra[key]; });
    return result;
  }

  function retryAfter(response) {
    // Seconds the server asked us to wait (Retry-After as seconds or as an HTTP date), or null.
    var value = response && response.headers.get("Retry-After");
    if (!value) return null;
    var seconds = /^\d+$/.test(value.trim()) ? parseInt(value, 10) : (Date.parse(value) - Date.now()) / 1000;
    return isFinite(seconds) ? Math.min(Math.max(seconds, 0), 3600) : null;
  }

  var notBefore = 0; // the server asked not to be called again before this time (Retry-After)

  function scheduleRetry(wait) {
    backoff = backoff ? Math.min(backoff * 2, 300000) : 2000;
    var delay = backoff + Math.floor(Math.random() * 1000);
    if (wait !== null && wait !== undefined) {
      delay = wait * 1000;
      notBefore = Date.now() + delay;
    }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = null; notBefore = 0; drain(); }, delay);
  }

  function RetryLater(response) { this.wait = retryAfter(response); }

  function drain() {
    if (draining || !token || Date.now() < notBefore) return Promise.resolve();
    draining = true;
    clearTimeout(retryTimer);
    retryTimer = null;
    return sendNext().then(function () { draining = false; showCounts(); },
      function (error) { draining = false; showCounts(); scheduleRetry(error instanceof RetryLater ? error.wait : null); });
  }

  function sent(count) {
    backoff = 0;
    if (isolating) {
      isolating = Math.max(0, isolating - count);
      if (!isolating) batchSize = BATCH;
    }
  }

  function sendNext() {
    return Promise.all([readBatch(batchSize + 1), counts()]).then(function (values) {
      var batch = values[0].filter(function (entry) { return entry.id !== held; }).slice(0, batchSize);
      if (!batch.length) { backoff = 0; return null; }
      showCounts(values[1]);
      return fetch(API + "/ratings", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", "X-Kiosk-Queue": String(values[1].queued) }),
        body: JSON.stringify({ ratings: batch.map(function (entry) { return entry.item; }) }),
        cache: "no-store",
      }).then(function (response) {
        if (response.status === 401) { unpaired(); return null; }
        var refused = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
        if (refused && batch.length > 1) {
          // Refused whole (too large, malformed, invalid): send one by one so only the bad item leaves.
          if (response.status === 413) batchSize = Math.max(1, Math.floor(batch.length / 2));
          else { batchSize = 1; isolating = batch.length; }
          return sendNext();
        }
        if (refused) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            return refuse(batch[0], response.status, body.message);
          }).then(function () { sent(1); return sendNext(); });
        }
        if (!response.ok) throw new RetryLater(response); // 5xx, 408, 429: the items stay queued
        return response.json().then(function (body) {
          return settle(batch, body.results || []);
        }).then(function () { sent(batch.length); return sendNext(); });
      });
    });
  }

  function showCounts(known) {
    var ready = known ? Promise.resolve(known) : counts();
    return ready.then(function (c) {
      var pending = $("k-pending");
      pending.hidden = !c.queued;
      pending.textContent = c.queued ? t("pending", c.queued) : "";
      var rejected = $("k-rejected");
      rejected.hidden = !c.rejected;
      rejected.textContent = c.rejected ? t("rejected", c.rejected) : "";
    }, function () { /* no IndexedDB: nothing to count */ });
  }

  // --- pairing and configuration --------------------------------------------------------------

  function unpaired() {
    token = null;
    STORE.removeItem(KEY_TOKEN);
    notice(t("unpaired"));
    show("k-pair");
  }

  function notice(text) {
    var box = $("k-notice");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function loadConfig() {
    return counts().catch(function () { return { queued: 0 }; }).then(function (c) {
      return fetch(API + "/config", { headers: headers({ "X-Kiosk-Queue": String(c.queued) }), cache: "no-store" });
    }).then(function (response) {
      if (response.status === 401) { unpaired(); return; }
      if (!response.ok) return;
      return response.json().then(function (body) {
        STORE.setItem(KEY_CONFIG, JSON.stringify(body));
        var first = !config;
        config = body;
        if (first || current === "k-start" && !selection.level) { render(); if (first) reset(); }
      });
    }, function () { /* offline: the cached configuration stays in use */ });
  }

  function pair(event) {
    event.preventDefault();
    var input = $("k-pair-code");
    var error = $("k-pair-error");
    error.textContent = "";
    fetch(API + "/pair", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: input.value }),
      cache: "no-store",
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { error.textContent = body.message || t("pair_offline"); return; }
        token = body.token;
        STORE.setItem(KEY_TOKEN, token);
        input.value = "";
        notice("");
        config = null;
        return loadConfig().then(drain);
      });
    }, function () { error.textContent = t("pair_offline"); });
  }

  // --- rendering ------------------------------------------------------------------------------

  var SVG = "http://www.w3.org/2000/svg";
  var MOUTHS = { // a face per tone: the level reads without its colour
    good: "M18 38 Q32 54 46 38 Z",
    ok: "M20 40 Q32 49 44 40",
    neutral: "M21 43 L43 43",
    bad: "M20 47 Q32 36 44 47",
  };

  function face(tone) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 64 64");
    svg.setAttribute("class", "k-face");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var parts = [
      ["circle", { cx: 32, cy: 32, r: 28, "stroke-width": 4, fill: "none" }],
      ["circle", { cx: 23, cy: 25, r: 4, stroke: "none" }],
      ["circle", { cx: 41, cy: 25, r: 4, stroke: "none" }],
      ["path", { d: MOUTHS[tone] || MOUTHS.neutral, "stroke-width": 4, "stroke-linecap": "round",
        fill: tone === "good" ? "currentColor" : "none" }],
    ];
    parts.forEach(function (part) {
      var el = document.createElementNS(SVG, part[0]);
      Object.keys(part[1]).forEach(function (key) { el.setAttribute(key, String(part[1][key])); });
      if (part[0] === "circle" && part[1].stroke === "none") el.setAttribute("fill", "currentColor");
      else el.setAttribute("stroke", "currentColor");
      svg.appendChild(el);
    });
    return svg;
  }

  function levelContent(level) {
    var inner = document.createDocumentFragment();
    inner.appendChild(face(level.tone));
    var text = document.createElement("span");
    text.className = "k-level-text";
    text.textContent = label(level.label);
    inner.appendChild(text);
    return inner;
  }

  function button(className, content, onPress) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = className;
    if (typeof content === "string") el.textContent = content; else el.appendChild(content);
    el.addEventListener("click", onPress);
    return el;
  }

  function staffCard(person) {
    var inner = document.createDocumentFragment();
    var picture;
    if (person.photo_url) {
      picture = document.createElement("img");
      picture.src = person.photo_url;
      picture.alt = "";
      picture.className = "k-photo";
    } else {
      picture = document.createElement("span");
      picture.className = "k-photo k-initials";
      picture.setAttribute("aria-hidden", "true");
      picture.textContent = person.initials;
    }
    var name = document.createElement("span");
    name.className = "k-name";
    name.textContent = person.full_name;
    inner.appendChild(picture);
    inner.appendChild(name);
    if (person.title) {
      var title = document.createElement("span");
      title.className = "k-role";
      title.textContent = person.title;
      inner.appendChild(title);
    }
    var card = button("k-person", inner, function () {
      selection.staff = selection.staff === person.id ? null : person.id;
      pressed($("k-staff"), "data-id", selection.staff);
    });
    card.setAttribute("data-id", String(person.id));
    card.setAttribute("aria-pressed", "false");
    return card;
  }

  function pressed(group, attribute, value) {
    Array.prototype.forEach.call(group.children, function (child) {
      var on = Array.isArray(value) ? value.indexOf(child.getAttribute(attribute)) >= 0
        : child.getAttribute(attribute) === String(value);
      child.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function render() {
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (el) {
      el.textContent = t(el.getAttribute("data-t"));
    });
    var toggle = $("k-lang");
    toggle.textContent = lang === "vi" ? "English" : "Tiếng Việt";
    toggle.lang = lang === "vi" ? "en" : "vi";
    toggle.setAttribute("aria-label", t("language") + ": " + toggle.textContent);
    document.title = t("title");
    showCounts();
    if (!config) return;
    $("k-unit").textContent = config.unit.name;
    $("k-counter").textContent = config.counter ? "· " + config.counter.name : "";

    var staff = $("k-staff");
    staff.textContent = "";
    config.staff.forEach(function (person) { staff.appendChild(staffCard(person)); });
    $("k-staff-block").hidden = !config.staff.length;
    pressed(staff, "data-id", selection.staff);

    var levels = $("k-levels");
    levels.textContent = "";
    config.levels.forEach(function (level) {
      var el = button("k-level k-tone-" + level.tone, levelContent(level), function () { choose(level); });
      el.setAttribute("data-level", level.code);
      levels.appendChild(el);
    });

    var fields = $("k-fields");
    fields.textContent = "";
    config.fields.forEach(function (field) {
      var chip = button("k-chip", label(field.name), function () {
        if (Date.now() < armedAt) return;
        selection.field = selection.field === field.code ? null : field.code;
        pressed(fields, "data-code", selection.field);
      });
      chip.setAttribute("data-code", field.code);
      fields.appendChild(chip);
    });
    $("k-fields-block").hidden = !config.fields.length;
    pressed(fields, "data-code", selection.field);

    var reasons = $("k-reason-list");
    reasons.textContent = "";
    config.reasons.forEach(function (reason) {
      var chip = button("k-chip k-reason", label(reason.label), function () {
        var at = selection.reasons.indexOf(reason.code);
        if (at >= 0) selection.reasons.splice(at, 1); else selection.reasons.push(reason.code);
        pressed(reasons, "data-code", selection.reasons);
        if (selection.reasons.length) $("k-reasons-error").textContent = "";
      });
      chip.setAttribute("data-code", reason.code);
      reasons.appendChild(chip);
    });
    pressed(reasons, "data-code", selection.reasons);
  }

  function show(id) {
    current = id;
    Array.prototype.forEach.call(root.querySelectorAll(".k-screen"), function (section) {
      section.hidden = section.id !== id;
    });
    var heading = $(id).querySelector(".k-title");
    if (heading) heading.focus({ preventScroll: true });
  }

  // --- the rating flow ------------------------------------------------------------------------

  function reset() {
    selection = { staff: null, field: null, level: null, reasons: [] };
    chosen = false;
    lang = "vi";
    $("k-dossier").value = "";
    $("k-comment").value = "";
    $("k-reasons-error").textContent = "";
    clearTimeout(thanksTimer);
    render();
    show(token ? "k-start" : "k-pair");
  }

  function choose(level) {
    if (chosen) return; // a double tap gives one rating
    chosen = true;
    selection.level = level.code;
    if (level.needs_reason) {
      show("k-reasons");
      return;
    }
    submit();
  }

  function submit() {
    if (current === "k-thanks") return; // a second tap on "Send" gives one rating
    var level = config.levels.filter(function (l) { return l.code === selection.level; })[0];
    if (!level) return;
    if (level.needs_reason && !selection.reasons.length) {
      $("k-reasons-error").textContent = t("need_reason");
      return;
    }
    var item = { id: newId(), level: level.code, rated_at: new Date().toISOString() };
    if (selection.staff) item.staff_id = selection.staff;
    if (level.needs_reason) {
      item.reasons = selection.reasons.slice();
      var comment = $("k-comment").value.trim().slice(0, 1000);
      if (comment) item.comment = comment;
    }
    held = item.id; // the rating is stored on the tablet at once; it leaves when the follow-up closes
    thanks();
    enqueue(item).then(function (entry) {
      if (held === item.id) heldEntry = entry;
      drain(); // whatever else waits is sent now; the held rating when its follow-up closes
    }, function () {
      if (held === item.id) held = null;
      notice(t("storage_error"));
    });
  }

  function thanks() {
    armedAt = Date.now() + ARM_MS;
    show("k-thanks");
    showCounts();
    closeFollowUpIn((config && config.thanks_seconds) || 5);
  }

  function closeFollowUpIn(seconds) {
    clearTimeout(thanksTimer);
    thanksTimer = setTimeout(closeFollowUp, 1000 * seconds);
  }

  function closeFollowUp() {
    // Attach what the citizen added (procedure field, dossier code) to the held rating, send, start over.
    clearTimeout(thanksTimer);
    var entry = heldEntry;
    var update = Promise.resolve();
    if (entry) {
      var dossier = $("k-dossier").value.trim().slice(0, 50);
      if (selection.field || dossier) {
        if (selection.field) entry.item.procedure_field = selection.field;
        if (dossier) entry.item.dossier_code = dossier;
        update = enqueue(entry.item, entry.queued);
      }
    }
    held = null;
    heldEntry = null;
    update.then(drain, drain);
    reset();
  }

  function touched(event) {
    if (current === "k-thanks" && event && $("k-follow-up").contains(event.target)) {
      closeFollowUpIn((config && config.idle_seconds) || 60); // filling in the follow-up: wait for them
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      var halfDone = current === "k-reasons" || (current === "k-start" && selection.staff);
      if (halfDone) reset();
    }, 1000 * ((config && config.idle_seconds) || 60));
  }

  // --- start ----------------------------------------------------------------------------------

  $("k-lang").addEventListener("click", function () {
    lang = lang === "vi" ? "en" : "vi";
    render();
  });
  $("k-pair-form").addEventListener("submit", pair);
  $("k-back").addEventListener("click", function () {
    selection.reasons = []; selection.level = null; chosen = false; render(); show("k-start");
  });
  $("k-done").addEventListener("click", function () { if (Date.now() >= armedAt) closeFollowUp(); });
  $("k-send").addEventListener("click", submit);
  ["pointerdown", "keydown", "input"].forEach(function (name) { document.addEventListener(name, touched, true); });
  window.addEventListener("online", function () { backoff = 0; notBefore = 0; drain(); loadConfig(); });
  setInterval(function () { if (!retryTimer) drain(); }, 30000);
  setInterval(function () { if (token) loadConfig(); }, 300000);

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).catch(function () {});
  }

  var cached = STORE.getItem(KEY_CONFIG);
  if (token && cached) {
    try { config = JSON.parse(cached); } catch (e) { config = null; }
  }
  if (config || !token) reset(); else render();
  if (token) loadConfig().then(drain);
  touched();
})();
