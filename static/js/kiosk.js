// The self-service kiosk: an idle timer that ends the session (the server ends it
// too), the on-screen keypad, the ID card reader's keystrokes, and printing.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idle || "0", 10);
  var home = body.dataset.home;

  // Back/forward cache: a page brought back from memory is asked for again, and
  // the server answers with what it holds now (after "done", the start page).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.replace(home);
    }
  });

  function wipe() {
    var form = document.getElementById("kiosk-done");
    document.querySelectorAll("main").forEach(function (main) {
      main.replaceChildren();
    });
    if (form) {
      form.submit();
    } else {
      window.location.replace(home);
    }
  }

  if (idle > 0) {
    var left = idle;
    var timer = document.querySelector(".kiosk-timer");
    var reset = function () {
      left = idle;
      if (timer) {
        timer.textContent = "";
      }
    };
    ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
      document.addEventListener(name, reset, { passive: true });
    });
    window.setInterval(function () {
      left -= 1;
      if (left <= 0) {
        wipe();
      } else if (left <= 15 && timer) {
        timer.textContent = timer.dataset.timerText + " " + left;
      }
    }, 1000);
  }

  // The keypad types into its field.
  document.querySelectorAll("[data-keypad-for]").forEach(function (pad) {
    var field = document.getElementById(pad.dataset.keypadFor);
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key) {
        return;
      }
      if (key.dataset.key === "back") {
        field.value = field.value.slice(0, -1);
      } else if (field.value.length < 18) {
        field.value += key.dataset.key;
      }
      field.focus();
    });
  });

  // The card reader types into whatever has the focus: keep it on the number.
  document.querySelectorAll("[data-keep-focus]").forEach(function (field) {
    field.value = "";
    field.focus();
    document.addEventListener("keydown", function (event) {
      if (document.activeElement !== field && /^[0-9Xx]$/.test(event.key)) {
        field.focus();
      }
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      body.classList.remove("print-receipt", "print-a4");
      body.classList.add("print-" + button.dataset.print);
      window.print();
    });
  });

  // Nothing typed stays in a field when the page is left.
  window.addEventListener("pagehide", function () {
    document.querySelectorAll("input").forEach(function (input) {
      if (input.type !== "hidden" && input.type !== "checkbox") {
        input.value = "";
      }
    });
  });
})();
