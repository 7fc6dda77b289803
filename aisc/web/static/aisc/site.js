// Behaviour every page shares. The Content-Security-Policy allows no inline script, so what
// would have been an onchange="..." attribute is attached here.
(function () {
  "use strict";
  // The language menu applies a choice at once; without script, its Change button does.
  var select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
