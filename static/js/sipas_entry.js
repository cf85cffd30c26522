// Paper-form entry: one key per answer. A valid key fills the box and moves to the next one;
// an invalid key is refused; Backspace on an empty box goes back; Enter saves the form.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input.key"));
  function move(from, step) {
    var next = boxes[boxes.indexOf(from) + step];
    if (next) { next.focus(); next.select(); }
    else if (step > 0) { var comment = form.querySelector("#comment"); if (comment) comment.focus(); }
  }
  boxes.forEach(function (box) {
    box.addEventListener("focus", function () { box.select(); });
    box.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var key = event.key;
      if (key === "Enter") return;  // the browser submits the form
      if (key === "Backspace" && box.value === "") { event.preventDefault(); move(box, -1); return; }
      if (key === "ArrowUp") { event.preventDefault(); move(box, -1); return; }
      if (key === "ArrowDown") { event.preventDefault(); move(box, 1); return; }
      if (key === " " || key === "-") { event.preventDefault(); box.value = ""; move(box, 1); return; }
      if (key.length !== 1) return;  // Tab, arrows, Backspace with text…
      event.preventDefault();
      var allowed = box.getAttribute("data-allowed") || "";
      if (box.maxLength > 1 && /[0-9]/.test(key)) {  // two-digit option codes
        var value = box.value.length === 1 ? box.value + key : key;
        box.value = value;
        if (value.length === 2) move(box, 1);
        return;
      }
      if (allowed.indexOf(key) === -1) { box.classList.add("refused"); setTimeout(function () { box.classList.remove("refused"); }, 300); return; }
      box.value = key === "0" ? "0" : key;
      move(box, 1);
    });
  });
  var first = boxes.find(function (b) { return b.closest(".has-error"); }) || boxes[0];
  if (first) { first.focus(); first.select(); }
})();
