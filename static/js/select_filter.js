// A search box over a long select (select[data-filter]): typing keeps only the options whose name holds the
// text anywhere, ignoring case and Vietnamese accents ("tu phap" finds "Phòng Tư pháp …"), and chooses
// the first of them; ArrowDown/ArrowUp move among them, Enter goes to the list. Without script the plain
// select stays. Texts come from the select's data-filter-* attributes (translated by the server).
(function () {
  "use strict";
  function plain(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase()
      .trim();
  }

  function enhance(select) {
    var all = Array.prototype.slice.call(select.options);
    var keep = all.filter(function (o) {
      return o.value === "" || o.value === "0"; // "— none —": always offered
    });
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.className = "select-filter";
    box.autocomplete = "off";
    box.setAttribute("aria-label", select.getAttribute("data-filter-label"));
    box.setAttribute("placeholder", select.getAttribute("data-filter-label"));
    box.setAttribute("aria-controls", select.id);
    var count = document.createElement("span");
    count.id = select.id + "-filter-count";
    count.className = "hint select-filter-count";
    count.setAttribute("aria-live", "polite");
    box.setAttribute("aria-describedby", count.id);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(count, select.nextSibling);

    function show(options) {
      var chosen = select.value;
      while (select.options.length) select.remove(0);
      options.forEach(function (o) {
        select.add(o);
      });
      select.value = chosen;
      if (select.selectedIndex < 0) select.selectedIndex = 0;
    }
    function choose(option) {
      if (!option || select.value === option.value) return;
      select.value = option.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function matches() {
      return all.filter(function (o) {
        return keep.indexOf(o) < 0;
      });
    }
    function filter() {
      var query = plain(box.value);
      if (!query) {
        show(all);
        count.textContent = "";
        return;
      }
      var found = matches().filter(function (o) {
        return plain(o.text).indexOf(query) >= 0;
      });
      show(found.length ? keep.concat(found) : all); // nothing found: the whole list, never an empty one
      if (found.length) choose(found[0]);
      count.textContent = found.length
        ? select.getAttribute("data-filter-count").replace("{n}", String(found.length))
        : select.getAttribute("data-filter-none");
    }
    box.addEventListener("input", filter);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // never submits the form half-filled
        select.focus();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = Math.min(Math.max(select.selectedIndex + step, 0), select.options.length - 1);
        choose(select.options[next]);
      }
    });
    if (select.form) {
      select.form.addEventListener("reset", function () {
        box.value = "";
        show(all);
        count.textContent = "";
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-filter-label]"), enhance);
})();
