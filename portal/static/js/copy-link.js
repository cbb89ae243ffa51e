/* Progressive enhancement of a link shown once: a "Copy" button, hidden without script (the
   field stays selectable and copyable by hand), puts the link on the clipboard and says so. */
(function () {
  "use strict";

  function copied(button, status) {
    status.textContent = button.getAttribute("data-copied") || "";
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.querySelector("[data-copy-status]");
    if (!field || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          copied(button, status);
        }, function () {
          if (document.execCommand("copy")) {
            copied(button, status);
          }
        });
      } else if (document.execCommand("copy")) {
        copied(button, status);
      }
    });
  });

  document.querySelectorAll("[data-copy-source]").forEach(function (field) {
    field.addEventListener("focus", function () {
      field.select();
    });
  });
})();
