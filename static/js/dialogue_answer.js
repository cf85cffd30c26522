// Answer templates: a click puts the template's text into the answer box.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-template]"), function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-target"));
      if (!target) return;
      target.value = button.getAttribute("data-template") + (target.value ? "\n" + target.value : "");
      target.focus();
    });
  });
})();
