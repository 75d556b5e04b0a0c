// The startup bases' chart, drawn with the locally served Chart.js (no CDN): each base's progress against its
// yearly targets (% of target), one bar series per indicator.
window.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) { return; }
  var canvas = document.getElementById("bases-chart");
  var source = document.getElementById("bases-data");
  if (!canvas || !source) { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#b5121b", "#1f4e8c", "#1b7a3d", "#a35b00", "#6a3d9a"];
  var headers = {};
  document.querySelectorAll("[data-testid='base-progress'] thead th").forEach(function (th, i) {
    if (i > 0 && i <= data.series.length) { headers[data.series[i - 1].metric] = th.firstChild.textContent.trim(); }
  });
  canvas.chart = new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s, i) {
        return { label: headers[s.metric] || s.metric, data: s.data, backgroundColor: palette[i % palette.length] };
      })
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v + "%"; } } } } }
  });
  canvas.dataset.drawn = "1";
});
