// A background job's progress bar (imports and exports): polls the job's small JSON status while it is
// pending or running and moves the bar. When the job ends, a box marked data-job-finish="reload" reloads
// the page so the server shows the outcome (an import's counts, or every error); otherwise the box shows
// what it holds for the end: the download link (data-job-ready, data-job-download) or the failure
// message (data-job-message). Without script the page's refresh link does the same. No library.
(function () {
  var box = document.querySelector("[data-job]");
  if (!box) { return; }
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("[role=progressbar]");
  var fill = bar ? bar.querySelector("span") : null;
  var percent = box.querySelector("[data-job-percent]");
  var label = box.querySelector("[data-job-label]");
  var message = box.querySelector("[data-job-message]");
  var ready = box.querySelector("[data-job-ready]");
  var link = box.querySelector("[data-job-download]");
  var rows = box.querySelector("[data-job-rows]");
  var delay = 800;

  function going(state) { return state === "pending" || state === "running"; }

  function show(data, state) {
    var p = Math.max(0, Math.min(100, data.progress || 0));
    if (fill) { fill.style.width = p + "%"; }
    if (bar) { bar.setAttribute("aria-valuenow", String(p)); }
    if (percent) { percent.textContent = p + "%"; }
    if (label && data.label) { label.textContent = data.label; }
    box.dataset.state = state;
    if (state === "done" && data.download_url && link && ready) {
      link.setAttribute("href", data.download_url);
      if (rows && typeof data.rows === "number") { rows.textContent = rows.textContent.replace(/\d[\d,]*/, data.rows.toLocaleString()); }
      ready.hidden = false;
    }
    if (state === "failed" && message) {
      message.textContent = data.message || "";
      message.classList.add("errorlist");
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var state = data.state || data.status;
        show(data, state);
        if (going(state)) {
          delay = Math.min(delay * 1.25, 5000);
          window.setTimeout(poll, delay);
        } else if (box.dataset.jobFinish === "reload") {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (going(box.dataset.state)) { window.setTimeout(poll, 300); }
})();
