// Every page: the phone menu and the hints on wide tables and charts.
// Loaded in <head> without defer, so the "js" class is set before the header is
// drawn: the menu collapses behind its button only when this script can open it.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function setUpMenu() {
    var button = document.querySelector(".menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) { return; }
    var header = button.closest(".site-header");
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // Wide tables and charts scroll sideways inside their box. When one does, it says
  // so ("Swipe to see more") and can be scrolled from the keyboard: a focusable
  // region named after its table or heading.
  var SCROLLERS = ".table-wrap, .booth-map-wrap, .charts-grid .card, .scroll-x";

  // The name of what scrolls: its caption or label, else the nearest heading
  // (or <details> summary) above it.
  function labelOf(box) {
    var own = box.querySelector("caption, table[aria-label], svg[aria-label], h2, h3");
    if (own) { return own.getAttribute("aria-label") || own.textContent.trim(); }
    for (var node = box; node && node !== document.body; node = node.parentElement) {
      if (node.tagName === "DETAILS" && node.querySelector("summary")) {
        return node.querySelector("summary").textContent.trim();
      }
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-4]$/.test(before.tagName)) { return before.textContent.trim(); }
      }
    }
    return document.title;
  }

  function markScroller(box, hintText) {
    var wide = box.scrollWidth > box.clientWidth + 1;
    var hint = box.querySelector(":scope > .swipe-hint");
    if (wide === box.classList.contains("is-wide")) { return; }
    box.classList.toggle("is-wide", wide);
    if (wide) {
      if (!box.hasAttribute("tabindex")) { box.tabIndex = 0; box.dataset.added = "1"; }
      if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
      if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", labelOf(box)); }
      var own = box.previousElementSibling;
      if (!hint && hintText && !(own && own.classList.contains("scroll-hint"))) {
        hint = document.createElement("p");
        hint.className = "swipe-hint";
        hint.textContent = hintText;
        var heading = box.querySelector(":scope > h2, :scope > h3");
        box.insertBefore(hint, heading ? heading.nextSibling : box.firstChild);
      }
    } else {
      if (box.dataset.added) {
        ["tabindex", "role", "aria-label", "data-added"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
      if (hint) { hint.remove(); }
    }
  }

  function setUpScrollers() {
    var source = document.getElementById("swipe-hint");
    var hintText = source ? source.content.textContent.trim() : "";
    var boxes = document.querySelectorAll(SCROLLERS);
    if (!boxes.length) { return; }
    function markAll() {
      boxes.forEach(function (box) { markScroller(box, hintText); });
    }
    markAll();
    var pending = null;
    function later() {
      window.clearTimeout(pending);
      pending = window.setTimeout(markAll, 150);
    }
    window.addEventListener("resize", later);
    // A table in a closed <details> has no width until it is opened.
    document.addEventListener("toggle", later, true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    setUpScrollers();
  });
})();
