// Inbox: after "Mark as read" is swapped in by htmx, keep keyboard focus on that notification
// (its button is gone) so keyboard and screen-reader users do not lose their place.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var item = event.detail && event.detail.elt;
    if (item && item.classList && item.classList.contains("notification")) {
      item.focus();
    }
  });
})();
