// Small progressive enhancements; every page works without them (CSP: no inline script).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
  });
  // Ask before destructive actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Small screens start with the menu folded; wide screens show it.
  function fitMenu() {
    var menu = document.querySelector(".nav-toggle");
    if (menu) { menu.open = window.matchMedia("(min-width: 48rem)").matches; }
  }
  document.addEventListener("DOMContentLoaded", fitMenu);
})();
