/* Human Rights City Gwangju: small improvements on top of pages that work without it.
   Served as a static file (the CSP allows no inline script). */
(function () {
  "use strict";

  // The filter panel and the timeline's chart are <details>, closed by default so that
  // results come first on a phone. On a wide screen there is room for both: open them.
  var wide = window.matchMedia("(min-width: 64rem)");

  function openOnWideScreens() {
    if (!wide.matches) {
      return;
    }
    var panels = document.querySelectorAll("details[data-open-wide]");
    for (var i = 0; i < panels.length; i += 1) {
      panels[i].open = true;
    }
  }

  openOnWideScreens();
  if (wide.addEventListener) {
    wide.addEventListener("change", openOnWideScreens);
  }
})();
