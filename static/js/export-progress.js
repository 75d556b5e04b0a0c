// The summary workbook's progress bar: polls the job's small JSON status until it is done or failed,
// then shows the download link. No library; works without it too (the page shows the link when ready).
(function () {
  var box = document.querySelector("[data-export-job]");
  if (!box) { return; }
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("[role=progressbar]");
  var fill = bar ? bar.querySelector("span") : null;
  var percent = box.querySelector("[data-export-percent]");
  var label = box.querySelector("[data-testid=export-status]");
  var message = box.querySelector("[data-export-message]");
  var ready = box.querySelector("[data-export-ready]");
  var link = box.querySelector("[data-testid=export-download]");
  var rows = box.querySelector("[data-export-rows]");
  var delay = 800;

  function show(data) {
    var p = Math.max(0, Math.min(100, data.progress || 0));
    if (fill) { fill.style.width = p + "%"; }
    if (bar) { bar.setAttribute("aria-valuenow", String(p)); }
    if (percent) { percent.textContent = p + "%"; }
    if (label && data.label) { label.textContent = data.label; }
    box.dataset.status = data.status;
    if (data.status === "done" && data.download_url) {
      link.setAttribute("href", data.download_url);
      if (rows && typeof data.rows === "number") { rows.textContent = rows.textContent.replace(/\d+/, String(data.rows)); }
      ready.hidden = false;
    }
    if (data.status === "failed" && message) {
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
        show(data);
        if (data.status === "pending" || data.status === "running") {
          delay = Math.min(delay * 1.25, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (box.dataset.status === "pending" || box.dataset.status === "running") { window.setTimeout(poll, 300); }
})();
