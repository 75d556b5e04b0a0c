// The analysis page's charts, drawn with the locally served Chart.js (no CDN): the diffusion-index trend,
// child regions compared on one indicator, and each indicator's year-on-year growth by month.
window.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) { return; }
  var palette = ["#b5121b", "#1f4e8c", "#1b7a3d", "#a35b00", "#6a3d9a", "#008b8b", "#7f7f7f", "#c71585",
                 "#556b2f", "#8b4513", "#2f4f4f", "#daa520"];

  function read(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function line(canvas, labels, datasets, yOptions) {
    canvas.chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: yOptions } }
    });
    canvas.dataset.drawn = "1";
  }

  var trendCanvas = document.getElementById("trend-chart");
  var trend = read("trend-data");
  if (trendCanvas && trend) {
    var datasets = trend.series.map(function (s, i) {
      return { label: s.label, data: s.data, borderColor: palette[i % palette.length], borderWidth: 1.5,
               pointRadius: 2, spanGaps: true, hidden: i > 2 };
    });
    datasets.unshift({ label: trendCanvas.dataset.compositeLabel || "综合指数", data: trend.composite,
                       borderColor: "#000", borderWidth: 3, pointRadius: 3, spanGaps: true });
    line(trendCanvas, trend.labels, datasets, { suggestedMin: 30, suggestedMax: 70 });
  }

  var compareCanvas = document.getElementById("compare-chart");
  var compare = read("compare-data");
  var picker = document.getElementById("compare-indicator");
  if (compareCanvas && compare && picker) {
    var draw = function () {
      var indicator = compare.indicators[Number(picker.value) || 0];
      var config = {
        data: {
          labels: compare.labels,
          datasets: [
            { type: "bar", label: indicator.label + (indicator.unit ? "(" + indicator.unit + ")" : ""),
              data: indicator.values, backgroundColor: "#1f4e8c", yAxisID: "y" },
            { type: "line", label: compareCanvas.dataset.growthLabel, data: indicator.growth,
              borderColor: "#b5121b", backgroundColor: "#b5121b", showLine: false, pointRadius: 5, yAxisID: "growth" }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   scales: { y: { beginAtZero: true, position: "left" },
                             growth: { position: "right", grid: { drawOnChartArea: false } } } }
      };
      if (compareCanvas.chart) { compareCanvas.chart.destroy(); }
      compareCanvas.chart = new window.Chart(compareCanvas, config);
      compareCanvas.dataset.drawn = "1";
      compareCanvas.dataset.indicator = indicator.code;
    };
    picker.addEventListener("change", draw);
    draw();
  }

  var growthCanvas = document.getElementById("growth-chart");
  var growth = read("growth-data");
  if (growthCanvas && growth) {
    var series = growth.series.map(function (s, i) {
      return { label: s.label, data: s.data, borderColor: palette[i % palette.length], borderWidth: 1.5,
               pointRadius: 2, spanGaps: true, hidden: i > 2 };
    });
    line(growthCanvas, growth.labels, series, {});
  }
});
