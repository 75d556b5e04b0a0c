// A background import's progress bar: polls the job's small JSON status and reloads the page when the job
// has finished, so the server shows the outcome (the counts, or every error). Without it, the page's
// refresh link does the same.
(function () {
  var box = document.querySelector("[data-import-job]");
  if (!box || box.dataset.state !== "running") { return; }
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("[role=progressbar]");
  var fill = bar ? bar.querySelector("span") : null;
  var percent = box.querySelector("[data-job-percent]");
  var label = box.querySelector("[data-job-label]");
  var delay = 800;

  function show(data) {
    var p = Math.max(0, Math.min(100, data.progress || 0));
    if (fill) { fill.style.width = p + "%"; }
    if (bar) { bar.setAttribute("aria-valuenow", String(p)); }
    if (percent) { percent.textContent = p + "%"; }
    if (label && data.label) { label.textContent = data.label; }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.state === "running") {
          delay = Math.min(delay * 1.25, 5000);
          window.setTimeout(poll, delay);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 300);
})();
