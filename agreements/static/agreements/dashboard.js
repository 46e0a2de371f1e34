// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">.
(function () {
  if (typeof Chart === "undefined") return;
  var palette = ["#2e7d5b", "#1f5f8b", "#b5651d", "#7a3e9d", "#8b1f3f", "#4a5560"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    spec.datasets.forEach(function (ds, i) {
      ds.backgroundColor = palette[i % palette.length];
      ds.borderColor = palette[i % palette.length];
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        aspectRatio: Number(canvas.dataset.aspect || 2),
        animation: false,
        plugins: { legend: { display: spec.datasets.length > 1 } },
        scales: {
          y: spec.log
            ? { type: "logarithmic" }
            : { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  });
})();
