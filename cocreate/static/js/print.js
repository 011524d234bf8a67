// The printables page: the Print button (the page's Content-Security-Policy forbids inline handlers).
(function () {
  "use strict";
  var button = document.getElementById("print-now");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
