// A page of live figures reloads itself every few seconds (#auto-refresh with
// data-seconds), with a button to pause and resume: someone reading or using a
// screen reader keeps the page still (WCAG 2.2.1). Paused stays paused across
// reloads in this tab. Without the script the page says to reload it by hand.
(function () {
  "use strict";
  var box = document.getElementById("auto-refresh");
  if (!box) return;
  var note = box.querySelector("span");
  var button = box.querySelector("button");
  var key = "auto-refresh-paused:" + window.location.pathname;
  var timer = null;

  function paused() {
    try { return window.sessionStorage.getItem(key) === "1"; } catch (e) { return false; }
  }

  function show() {
    var off = paused();
    note.textContent = off ? box.dataset.off : box.dataset.on;
    button.textContent = off ? box.dataset.resume : box.dataset.pause;
    window.clearTimeout(timer);
    if (!off) {
      timer = window.setTimeout(function () { window.location.reload(); },
                                parseInt(box.dataset.seconds, 10) * 1000);
    }
  }

  button.addEventListener("click", function () {
    try { window.sessionStorage.setItem(key, paused() ? "0" : "1"); } catch (e) { return; }
    show();
  });
  button.hidden = false;
  show();
})();
