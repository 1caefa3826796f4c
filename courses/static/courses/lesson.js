// Lesson page enhancements (CSP: no inline script). Without JavaScript the "Show images"
// link reloads the lesson with ?reveal=1, so everything works without this file.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".js-reveal");
    if (!toggle) { return; }
    var body = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!body) { return; }
    event.preventDefault();
    var blurred = body.classList.toggle("is-blurred");
    toggle.setAttribute("aria-pressed", blurred ? "false" : "true");
    toggle.textContent = blurred ? toggle.dataset.labelShow : toggle.dataset.labelHide;
    var note = document.getElementById("blur-note");
    if (note) { note.hidden = !blurred; }
  });
  document.addEventListener("keydown", function (event) {
    // role="button" on a link: Space activates it like a button.
    var toggle = event.target.closest && event.target.closest(".js-reveal");
    if (toggle && event.key === " ") { event.preventDefault(); toggle.click(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".js-print")) { window.print(); }
  });
})();
