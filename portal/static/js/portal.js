/* Progressive enhancement only: every page works without this file.
   - The account menu (<details>) closes on Escape and on a click outside it, like a menu should.
   - A submit button with data-confirm="question" asks before submitting (destructive actions). */
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details.account-menu[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    openMenus().forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) {
        summary.focus();
      }
    });
  });

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
