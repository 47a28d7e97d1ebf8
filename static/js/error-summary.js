// After a form is refused, move the focus to the summary of its errors (id="error-summary",
// from macros/forms.html), so that keyboard and screen-reader users start from the list of
// what to correct. Its links lead to each field.
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (!summary) return;
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }

  function focusField(event) {
    var link = event.target.closest("#error-summary a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    var control = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    if (!control) return;
    event.preventDefault();
    control.focus();
    target.scrollIntoView({ block: "center" });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
  document.addEventListener("click", focusField);
})();
