// The back office's scripted widgets, named for assistive technology as plain form
// fields are: Django's autocomplete boxes (Select2 names its box after the value
// shown, which is empty until one is chosen) and the filter icons of the two-list
// selectors (an aria-label on a plain span, which ARIA does not allow); and
// sideways-scrolling inlines reachable by keyboard. Runs after the admin's own
// scripts have built them, and again for each inline row added.
(function () {
  "use strict";

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var container = select.nextElementSibling;
      var box = container && container.querySelector(".select2-selection[role=combobox]");
      var shown = box && box.querySelector(".select2-selection__rendered[id]");
      if (!label || !shown) return;
      label.id = label.id || select.id + "-label";
      // The value is read as part of the box's name, not as a text box of its own.
      shown.removeAttribute("role");
      shown.removeAttribute("aria-readonly");
      box.setAttribute("aria-labelledby", label.id + " " + shown.id);
    });
  }

  function nameFilterIcons(root) {
    root.querySelectorAll(".selector .search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // An inline of read-only rows wider than the screen scrolls sideways with
  // nothing in it to focus: the region itself takes the focus, named by its heading.
  function focusableScrollers(root) {
    var focusable = "a[href], button, input:not([type=hidden]), select, textarea, " +
      "[tabindex]:not([tabindex=\"-1\"])";
    root.querySelectorAll(".inline-group").forEach(function (group) {
      if (group.scrollWidth <= group.clientWidth || group.querySelector(focusable)) return;
      var heading = group.querySelector("h2[id]");
      group.tabIndex = 0;
      group.setAttribute("role", "region");
      if (heading) group.setAttribute("aria-labelledby", heading.id);
    });
  }

  function fix(root) {
    window.setTimeout(function () {
      nameAutocompletes(root);
      nameFilterIcons(root);
      focusableScrollers(root);
    }, 0);
  }

  window.addEventListener("load", function () { fix(document); });
  document.addEventListener("formset:added", function (event) { fix(event.target); });
})();
