// Small enhancements for every page, all optional: without JavaScript the menu stays open
// and the workspace tabs simply scroll.
// - On a phone the logged-in menu folds behind its "Menu" button (aria-expanded tells
//   screen readers whether it is open; Escape closes it and returns to the button).
// - In the event workspace the current tab is scrolled into view when the row is wider
//   than the screen.
(function () {
  "use strict";

  function navigation() {
    var toggle = document.querySelector(".site-nav-toggle");
    if (!toggle) return;
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    var nav = toggle.closest(".site-nav");
    if (!menu || !nav) return;

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    nav.classList.add("is-collapsible");
    toggle.hidden = false;
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true" && toggle.offsetParent !== null) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  function currentTabIntoView() {
    document.querySelectorAll(".workspace-tabs").forEach(function (list) {
      var current = list.querySelector("[aria-current=page]");
      if (current && list.scrollWidth > list.clientWidth) {
        list.scrollLeft = current.offsetLeft - (list.clientWidth - current.offsetWidth) / 2;
      }
    });
  }

  navigation();
  currentTabIntoView();
})();
