/* Progressive enhancement only: every page works without this file.
   - The account menu (<details>) closes on Escape and on a click outside it, like a menu should.
   - A submit button with data-confirm="question" asks before submitting (destructive actions).
   - An error summary marked autofocus gets the focus even where the browser ignores the
     attribute on a non-field, so that a screen reader announces the problems first.
   - A disclosure marked data-open-wide (search filters: folded on a phone so that the results
     come first) stands open on a screen wide enough to show it beside them. */
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

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary[autofocus]");
    if (summary && document.activeElement !== summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  var wide = window.matchMedia("(min-width: 48em)");

  function unfoldWhenWide() {
    document.querySelectorAll("details[data-open-wide]").forEach(function (disclosure) {
      disclosure.open = wide.matches;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", unfoldWhenWide);
  } else {
    unfoldWhenWide();
  }
  wide.addEventListener("change", unfoldWhenWide);
})();
