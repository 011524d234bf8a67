// The organiser's pages: add and remove rows in the plan editor, and keep the ballot in step
// with the counting method. Everything also works without JavaScript (a row emptied by hand
// is dropped when the plan is saved).
(function () {
  "use strict";
  var BALLOT_FOR_METHOD = { borda: "ranking", schulze: "ranking", points: "dots", approval: "approval" };

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-select-on-click")) {
      target.select();  // a link to copy: one click selects all of it
    }
    if (target.hasAttribute("data-remove-row")) {
      var row = target.closest(".org-row");
      if (row) row.remove();
    }
    var templateId = target.getAttribute("data-add-row");
    if (templateId) {
      var template = document.getElementById(templateId);
      var list = document.querySelector('[data-rows="' + target.getAttribute("data-to") + '"]');
      if (template && list) {
        list.appendChild(template.content.cloneNode(true));
        var inputs = list.lastElementChild ? list.lastElementChild.querySelectorAll("input, textarea") : [];
        if (inputs.length) inputs[0].focus();
      }
    }
  });

  var method = document.querySelector('select[name="method"]');
  var ballot = document.querySelector('select[name="ballot"]');
  if (method && ballot && !method.disabled) {
    method.addEventListener("change", function () {
      if (BALLOT_FOR_METHOD[method.value]) ballot.value = BALLOT_FOR_METHOD[method.value];
    });
  }
})();
