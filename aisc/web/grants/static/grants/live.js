// Saves the draft after each change and refreshes the live estimate beside the form.
// One save at a time: a change made while a save is on its way is sent right after it, so the
// server never sees two saves of one draft at once. data-pending tells tests (and CSS) when it
// has settled.
(function () {
  const form = document.getElementById("application-form");
  if (!form) return;
  let busy = false;
  let again = false;
  form.dataset.pending = "0";

  function save() {
    if (busy) { again = true; return; }
    busy = true;
    form.dataset.pending = "1";
    const body = new FormData(form);
    body.append("partial", "1");
    fetch(form.dataset.liveUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        const box = document.getElementById("live");
        if (box) box.outerHTML = html;
      })
      .catch(function () { /* offline: the Save button still works */ })
      .finally(function () {
        busy = false;
        if (again) { again = false; save(); } else { form.dataset.pending = "0"; }
      });
  }

  form.addEventListener("change", save);
})();
