// The platforms dashboard's chart (locally served Chart.js): each platform's services and enterprises served.
window.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("platforms-chart");
  var source = document.getElementById("platforms-data");
  if (!window.Chart || !canvas || !source) { return; }
  var data = JSON.parse(source.textContent);
  canvas.chart = new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [
      { label: canvas.dataset.servicesLabel, data: data.services, backgroundColor: "#1f4e8c" },
      { label: canvas.dataset.distinctLabel, data: data.distinct, backgroundColor: "#b5121b" }
    ] },
    options: { responsive: true, maintainAspectRatio: false, animation: false }
  });
  canvas.dataset.drawn = "1";
});
