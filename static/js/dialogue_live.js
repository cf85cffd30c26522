// Live logging of conference comments: keyboard shortcuts, drafts kept in localStorage, resend queue.
(function () {
  "use strict";
  var form = document.getElementById("live-form");
  if (!form) return;
  var conference = form.getAttribute("data-conference");
  var draftKey = "dialogue-draft-" + conference;
  var queueKey = "dialogue-queue-" + conference;
  var rejectedKey = "dialogue-rejected-" + conference;
  var restore = document.getElementById("restore-rejected");
  var status = document.getElementById("live-status");
  var list = document.getElementById("logged");
  var counter = document.getElementById("logged-count");
  var content = form.elements["content"];
  var sending = false;
  var KEEP = ["channel"]; // kept from one comment to the next

  function msg(name, n) {
    return (form.getAttribute("data-msg-" + name) || "").replace("{n}", String(n));
  }
  function say(text, isError) {
    status.textContent = text;
    status.className = "live-status" + (isError ? " error" : "");
  }
  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }
  function store(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* storage full or disabled: the form still works online */
    }
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  // --- reading and writing the form ---------------------------------------------------------
  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "submit") return;
      if (el.type === "radio") {
        if (el.checked) out[el.name] = el.value;
      } else if (el.type === "checkbox") {
        out[el.name] = el.checked ? "y" : "";
      } else {
        out[el.name] = el.value;
      }
    });
    return out;
  }
  function fill(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.name === "csrf_token") return;
      if (el.type === "radio") el.checked = el.value === data[el.name];
      else if (el.type === "checkbox") el.checked = !!data[el.name];
      else el.value = data[el.name];
    });
    showOutcome();
    showReceived();
  }
  function reset() {
    var kept = {};
    KEEP.forEach(function (name) {
      kept[name] = form.elements[name] ? form.elements[name].value : "";
    });
    form.reset();
    form.elements["client_key"].value = "";
    fill(kept);
    store(draftKey, null);
    content.focus();
  }
  function hasText(data) {
    return ["content", "speaker_name", "speaker_organisation", "answer", "answered_by"].some(function (k) {
      return data[k] && data[k].trim() !== "";
    });
  }

  // --- outcome panels -------------------------------------------------------------------------
  function outcome() {
    var checked = form.querySelector("input[name=outcome]:checked");
    return checked ? checked.value : "none";
  }
  function showOutcome() {
    var current = outcome();
    Array.prototype.forEach.call(form.querySelectorAll(".outcome-panel"), function (panel) {
      panel.hidden = panel.getAttribute("data-outcome") !== current;
    });
  }

  // A receipt date belongs to a comment sent before the conference: not to one spoken there.
  function showReceived() {
    var panel = form.querySelector(".received-panel");
    var channel = form.elements["channel"];
    if (!panel || !channel) return;
    panel.hidden = channel.value === "spoken";
    if (panel.hidden) form.elements["received_on"].value = "";
  }

  // --- sending --------------------------------------------------------------------------------
  function queue() {
    return load(queueKey, []);
  }
  function addToList(comment) {
    var item = document.createElement("li");
    var number = document.createElement("strong");
    number.textContent = comment.number + ". ";
    item.appendChild(number);
    item.appendChild(document.createTextNode(comment.category + " — " + comment.content.slice(0, 120) + " "));
    var badge = document.createElement("span");
    badge.className = "badge status-" + comment.status;
    badge.textContent = comment.status_label;
    item.appendChild(badge);
    if (comment.detail) {
      var detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = comment.detail;
      item.appendChild(document.createTextNode(" "));
      item.appendChild(detail);
    }
    list.insertBefore(item, list.firstChild);
    counter.textContent = String(list.children.length);
  }
  // A message beside its field (as the server renders it without script), tied to it by aria-describedby.
  function fieldError(name, messages) {
    var el = form.elements[name];
    if (!el || !el.tagName) return false; // radios (a RadioNodeList): the status line says it
    var box = el.closest(".field") || el.parentNode;
    var id = el.id + "-err";
    var wrap = document.getElementById(id);
    if (!wrap) {
      wrap = document.createElement("div"); // as the server renders it; the status line announces it
      wrap.id = id;
      wrap.className = "errors";
      box.appendChild(wrap);
    }
    wrap.textContent = "";
    var list = document.createElement("ul"); // a list's items stay inside their list (axe: listitem)
    wrap.appendChild(list);
    messages.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    box.classList.add("has-error");
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", id);
    return true;
  }
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".field.has-error"), function (box) {
      box.classList.remove("has-error");
      Array.prototype.forEach.call(box.querySelectorAll(".errors"), function (wrap) {
        wrap.remove();
      });
      Array.prototype.forEach.call(box.querySelectorAll("[aria-invalid]"), function (el) {
        el.setAttribute("aria-invalid", "false");
        el.removeAttribute("aria-describedby");
      });
    });
  }
  function showErrors(body) {
    var lines = [];
    clearErrors();
    if (body && body.errors) {
      Object.keys(body.errors).forEach(function (k) {
        lines = lines.concat(body.errors[k]);
        fieldError(k, body.errors[k]);
      });
    }
    say(msg("rejected") + (lines.length ? " " + lines.join(" ") : ""), true);
  }
  function flush() {
    var pending = queue();
    if (sending || pending.length === 0) return;
    sending = true;
    var item = pending[0];
    var body = new FormData();
    Object.keys(item).forEach(function (k) {
      body.append(k, item[k]);
    });
    body.append("csrf_token", form.elements["csrf_token"].value);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, status: response.status, data: data };
        });
      })
      .then(function (result) {
        var rest = queue().filter(function (q) {
          return q.client_key !== item.client_key;
        });
        store(queueKey, rest);
        sending = false;
        if (result.ok) {
          addToList(result.data);
          say(msg("saved", result.data.number), false);
          flush();
        } else {
          // Refused (bad input): back in the form, or kept aside while the form holds a newer comment.
          if (!hasText(values())) {
            fill(item);
            store(draftKey, item);
          } else {
            var rejected = load(rejectedKey, []);
            rejected.push(item);
            store(rejectedKey, rejected);
            showRejected();
          }
          showErrors(result.data);
        }
      })
      .catch(function () {
        sending = false;
        say(msg("waiting", queue().length), true);
      });
  }

  function noDepartment(data) {
    return !Number(data.department_id || 0) && !Number(data.addressed_department_id || 0);
  }
  function record(event) {
    if (event) event.preventDefault();
    var data = values();
    if (!data.content || !data.content.trim()) {
      say(msg("empty"), true);
      content.focus();
      return;
    }
    if (form.elements["category"] && !data.category) {
      say(msg("category"), true);
      form.elements["category"].focus();
      return;
    }
    if (data.outcome === "written" && noDepartment(data)) {
      // Nobody to answer in writing: say so beside the department field, keep the comment in the form.
      clearErrors();
      fieldError("department_id", [msg("department")]);
      say(msg("department"), true);
      // Into the department's search box when there is one: typing part of a name finds it.
      (document.getElementById("department_id-filter") || form.elements["department_id"]).focus();
      return;
    }
    clearErrors();
    data.client_key = data.client_key || newKey();
    var pending = queue();
    pending.push(data);
    store(queueKey, pending);
    reset();
    flush();
  }

  function showRejected() {
    if (restore) restore.hidden = load(rejectedKey, []).length === 0;
  }
  if (restore) {
    restore.addEventListener("click", function () {
      var rejected = load(rejectedKey, []);
      if (!rejected.length) return;
      if (hasText(values())) {
        var current = values();
        current.client_key = current.client_key || newKey();
        rejected.push(current); // swap: the comment being typed waits its turn
      }
      var item = rejected.shift();
      store(rejectedKey, rejected);
      fill(item);
      store(draftKey, item);
      showRejected();
      content.focus();
    });
  }

  // --- wiring ---------------------------------------------------------------------------------
  form.addEventListener("submit", record);
  form.addEventListener("input", function () {
    store(draftKey, values());
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "outcome") showOutcome();
    if (event.target.name === "channel") showReceived();
    var picker = event.target.name;
    if ((picker === "department_id" || picker === "addressed_department_id") && !noDepartment(values())) {
      clearErrors(); // a department is known now: the reason given for none no longer holds
      if (status.textContent === msg("department")) say("", false);
    }
    store(draftKey, values());
  });
  form.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      record(event);
      return;
    }
    if (event.altKey && ["1", "2", "3"].indexOf(event.key) >= 0) {
      var radios = form.querySelectorAll("input[name=outcome]");
      var radio = radios[Number(event.key) - 1];
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        showOutcome();
        store(draftKey, values());
        var panel = form.querySelector('.outcome-panel[data-outcome="' + radio.value + '"]');
        var first = panel && panel.querySelector("input, select, textarea");
        if (first) first.focus();
      }
    }
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 5000);

  var draft = load(draftKey, null);
  if (draft && hasText(draft) && !hasText(values())) {
    fill(draft);
    say(msg("restored"), false);
  }
  showOutcome();
  showReceived();
  showRejected();
  if (queue().length) {
    say(msg("waiting", queue().length), true);
    flush();
  }
})();
