// Diffusion-index trend chart, drawn with the locally served Chart.js (no CDN).
window.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!canvas || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#b5121b", "#1f4e8c", "#1b7a3d", "#a35b00", "#6a3d9a", "#008b8b", "#7f7f7f"];
  var datasets = data.series.map(function (s, i) {
    return { label: s.label, data: s.data, borderColor: palette[i % palette.length], borderWidth: 1.5,
             pointRadius: 2, spanGaps: true, hidden: i > 2 };
  });
  datasets.unshift({ label: "综合指数", data: data.composite, borderColor: "#000", borderWidth: 3, pointRadius: 3,
                     spanGaps: true });
  canvas.chart = new window.Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               scales: { y: { suggestedMin: 30, suggestedMax: 70 } },
               plugins: { annotation: {} } }
  });
  canvas.dataset.drawn = "1";
});
