/* Live kiosk feed: polls the latest ratings and redraws the list, newest first. */
(function () {
  "use strict";

  var list = document.getElementById("feed");
  if (!list) return;
  var known = {};
  Array.prototype.forEach.call(list.querySelectorAll("[data-id]"), function (li) { known[li.dataset.id] = true; });

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function when(iso) {
    // dd/mm/yyyy HH:mm in Hà Nội time (UTC+7, no daylight saving)
    var local = new Date(new Date(iso).getTime() + 7 * 3600 * 1000);
    return pad(local.getUTCDate()) + "/" + pad(local.getUTCMonth() + 1) + "/" + local.getUTCFullYear() + " " +
      pad(local.getUTCHours()) + ":" + pad(local.getUTCMinutes());
  }

  function span(className, text, tag) {
    var el = document.createElement(tag || "span");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function item(rating) {
    var li = document.createElement("li");
    li.className = "feed-item level-" + rating.level + (rating.flagged ? " is-flagged" : "") + (known[rating.id] ? "" : " is-new");
    li.dataset.id = rating.id;
    var time = span("", when(rating.rated_at), "time");
    time.setAttribute("datetime", rating.rated_at);
    li.appendChild(time);
    li.appendChild(span("level level-" + rating.level, rating.level_label, "strong"));
    var where = rating.unit + (rating.counter ? " › " + rating.counter : "") + (rating.staff ? " · " + rating.staff : "");
    li.appendChild(span("where", where));
    if (rating.reasons.length) li.appendChild(span("reasons", rating.reasons.join("; ")));
    if (rating.comment) li.appendChild(span("comment", rating.comment, "q"));
    if (rating.flagged) li.appendChild(span("badge warn", list.dataset.flagged));
    return li;
  }

  function refresh() {
    fetch(list.dataset.source, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        var fresh = body.ratings.some(function (r) { return !known[r.id]; });
        if (!fresh && body.ratings.length === list.querySelectorAll("[data-id]").length) return;
        list.textContent = "";
        if (!body.ratings.length) list.appendChild(span("feed-empty", list.dataset.empty, "li"));
        body.ratings.forEach(function (r) { list.appendChild(item(r)); });
        body.ratings.forEach(function (r) { known[r.id] = true; });
      }, function () { /* offline for a moment: try again at the next tick */ });
  }

  setInterval(refresh, 1000 * (parseInt(list.dataset.interval, 10) || 10));
})();
