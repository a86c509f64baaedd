// Subsidy application: "work out the amount first" asks the server for the amount
// without sending the scans and without leaving the page, so the files the applicant
// attached stay attached. Without this script the button posts the whole form.
(function () {
  "use strict";
  var button = document.querySelector("button[name=preview]");
  var box = document.getElementById("amount-preview");
  if (!button || !box || !window.fetch || !window.FormData) return;
  var form = button.form;

  button.addEventListener("click", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      data.delete(input.name);
    });
    data.set("preview", "1");
    button.disabled = true;
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      headers: { "X-Preview": "1" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html; // the server's own escaped template
        box.hidden = false;
        box.scrollIntoView({ block: "nearest" });
      })
      .catch(function () {
        form.requestSubmit(button); // the page's own way, without the script
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
