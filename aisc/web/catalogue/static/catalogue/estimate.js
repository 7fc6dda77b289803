// Live estimate for any form with data-estimate-url: on each change, GET the result fragment
// (pure arithmetic, no state, so GET needs no CSRF token) and put it in data-estimate-target.
// Field names follow the estimator's (params, tokens, chip, ...); a form whose fields are named
// otherwise maps them with data-estimate-map='{"its_name": "params", ...}'.
(function () {
  "use strict";
  function query(form) {
    var map = JSON.parse(form.dataset.estimateMap || "{}");
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") return;
      params.append(map[name] || name, value);
    });
    params.set("partial", "1");
    return params;
  }
  // Answers can arrive out of order; only the answer to the latest question is shown.
  var latest = 0;
  function refresh(form) {
    var target = document.querySelector(form.dataset.estimateTarget);
    if (!target) return;
    var asked = ++latest;
    fetch(form.dataset.estimateUrl + "?" + query(form).toString(), {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (asked === latest) target.innerHTML = html;
      });
  }
  document.querySelectorAll("form[data-estimate-url]").forEach(function (form) {
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { refresh(form); }, 300);
    });
    form.addEventListener("change", function () { refresh(form); });
  });
})();
