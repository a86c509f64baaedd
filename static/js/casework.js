// The case review page (templates/admin/casework/panel.html): opening a decision
// that asks for a reason puts the cursor in the reason field.
document.querySelectorAll("details.casework-ask").forEach(function (details) {
  details.addEventListener("toggle", function () {
    if (!details.open) {
      return;
    }
    var field = details.querySelector("textarea, select, input:not([type=hidden])");
    if (field) {
      field.focus();
    }
  });
});
