// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">.
(function () {
  if (typeof Chart === "undefined") return;
  var palette = ["#2e7d5b", "#1f5f8b", "#b5651d", "#7a3e9d", "#8b1f3f", "#4a5560"];

  // Long category names (the SNII areas) on lines of at most `width` characters.
  function wrap(label, width) {
    var lines = [], line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    spec.datasets.forEach(function (ds, i) {
      ds.backgroundColor = palette[i % palette.length];
      ds.borderColor = palette[i % palette.length];
    });
    var labels = spec.labels;
    var count = { beginAtZero: true, ticks: { precision: 0 } };
    var options = {
      responsive: true,
      // Wide charts would be a thin strip on a phone.
      aspectRatio: Math.min(
        Number(canvas.dataset.aspect || 2),
        canvas.parentNode.clientWidth < 600 ? 1.3 : Infinity
      ),
      animation: false,
      // Numbers written as the page's language writes them, not the browser's.
      locale: document.documentElement.lang || undefined,
      plugins: { legend: { display: spec.datasets.length > 1 } },
      scales: { y: spec.log ? { type: "logarithmic" } : count },
    };
    if (spec.horizontal) {
      // Bars across, names beside them on whole lines: slanted names under
      // narrow bars were cut off, worst on a phone.
      var width = canvas.parentNode.clientWidth < 600 ? 26 : 44;
      labels = spec.labels.map(function (label) { return wrap(label, width); });
      // Every bar gets the room of the longest name (categories share the axis evenly).
      var tallest = labels.reduce(function (most, l) { return Math.max(most, l.length); }, 1);
      canvas.parentNode.style.position = "relative";
      canvas.parentNode.style.height = labels.length * (tallest * 15 + 12) + 40 + "px";
      options.indexAxis = "y";
      options.maintainAspectRatio = false;
      options.scales = { x: count, y: { ticks: { autoSkip: false } } };
    }
    new Chart(canvas, {
      type: spec.type,
      data: { labels: labels, datasets: spec.datasets },
      options: options,
    });
  });
})();
