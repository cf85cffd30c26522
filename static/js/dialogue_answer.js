// Answer templates: a click puts the template's text into the answer box and selects its first blank
// (the pattern comes from the server's one definition, data-placeholder), so typing fills it in.
(function () {
  "use strict";
  var group = document.querySelector("[data-placeholder]");
  var pattern = null;
  try {
    pattern = group ? new RegExp(group.getAttribute("data-placeholder")) : null;
  } catch (e) {
    pattern = null; /* a pattern this browser cannot read: the text is inserted, nothing selected */
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-template]"), function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-target"));
      if (!target) return;
      target.value = button.getAttribute("data-template") + (target.value ? "\n" + target.value : "");
      target.focus();
      var blank = pattern ? pattern.exec(target.value) : null;
      if (blank) target.setSelectionRange(blank.index, blank.index + blank[0].length);
    });
  });
})();
