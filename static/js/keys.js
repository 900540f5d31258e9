// Keyboard moves through lists for people who work from the keyboard all day:
// in a [data-result-list] under a [data-search-form], ↓ from the search box goes to
// the first result, ↑/↓ move between results, Escape goes back to the box.
// No inline script (the CSP forbids it); htmx swaps the list, so listen on document.
(function () {
  "use strict";
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-result-list] a"));
  }
  document.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Escape") return;
    var box = document.querySelector("[data-search-form] input[type=search]");
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (document.activeElement === box) {
      if (e.key === "ArrowDown" && all.length) { all[0].focus(); e.preventDefault(); }
      return;
    }
    if (at < 0) return;
    if (e.key === "Escape" && box) { box.focus(); e.preventDefault(); return; }
    var next = e.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0 && box) { box.focus(); e.preventDefault(); return; }
    if (next < all.length) { all[next].focus(); e.preventDefault(); }
  });
})();
