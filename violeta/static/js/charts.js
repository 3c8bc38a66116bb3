// The statistics dashboard's charts and map (violeta/reports). Each chart's data is a JSON block written by the
// server (json_script) and named by its canvas's data-chart; the map's by its box's data-map. No inline script
// and no inline style attribute (the CSP forbids both): sizes are set through the DOM's style properties.
// Drawn on page load and again on every htmx swap of the figures.
(function () {
  "use strict";

  var PALETTE = ["#6f42c1", "#d63384", "#0d6efd", "#198754", "#fd7e14", "#20c997", "#6c757d", "#ffc107", "#0dcaf0", "#dc3545"];
  // The five shades of the map, lightest first (the same as static/css/reports.css's legend).
  var SHADES = ["#f3e8fb", "#d7b7ee", "#b283d9", "#8a4fc0", "#5a2a82"];
  var numbers = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 1 });

  function format(value, percent) {
    if (value === null || value === undefined) {
      return "—";
    }
    return numbers.format(value) + (percent ? " %" : "");
  }

  function read(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function drawChart(canvas) {
    var spec = read(canvas.dataset.chart);
    if (!spec || typeof Chart === "undefined" || Chart.getChart(canvas)) {
      return;
    }
    var pie = spec.type === "pie";
    var datasets = spec.datasets.map(function (dataset, i) {
      var color = pie
        ? spec.labels.map(function (label, j) { return PALETTE[j % PALETTE.length]; })
        : PALETTE[i % PALETTE.length];
      return { label: dataset.label, data: dataset.data, backgroundColor: color, borderColor: pie ? "#fff" : color };
    });
    if (spec.horizontal) {
      // One line per category: the box grows with them.
      canvas.parentNode.style.height = Math.max(18, spec.labels.length * 1.7 + 4) + "rem";
    }
    var values = {
      beginAtZero: true,
      stacked: spec.stacked,
      ticks: { precision: spec.percent ? undefined : 0, callback: function (value) { return format(value, spec.percent); } }
    };
    if (spec.percent) {
      values.suggestedMax = 100;
    }
    var categories = { stacked: spec.stacked, ticks: { autoSkip: !spec.horizontal } };
    var options = {
      locale: "es-MX",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: spec.horizontal ? "y" : "x",
      plugins: {
        legend: { display: spec.legend, position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = pie ? context.parsed : spec.horizontal ? context.parsed.x : context.parsed.y;
              return (context.dataset.label ? context.dataset.label + ": " : "") + format(value, spec.percent);
            }
          }
        }
      }
    };
    if (!pie) {
      options.scales = spec.horizontal ? { x: values, y: categories } : { x: categories, y: values };
    }
    new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
  }

  function shade(count, most) {
    if (!count) {
      return "#ffffff";
    }
    return SHADES[Math.min(SHADES.length - 1, Math.floor((count / most) * SHADES.length - 1e-9))];
  }

  function drawMap(box) {
    var spec = read(box.dataset.map);
    if (!spec || typeof L === "undefined" || box.dataset.drawn) {
      return;
    }
    box.dataset.drawn = "1";
    var counts = spec.counts;
    var most = Object.keys(counts).reduce(function (top, key) { return Math.max(top, counts[key]); }, 1);
    fetch(spec.shapes, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(new Error(String(response.status)));
      })
      .then(function (shapes) {
        if (!shapes.features.length) {
          box.hidden = true;
          return;
        }
        var map = L.map(box, { attributionControl: Boolean(spec.attribution) });
        box.leafletMap = map;
        if (spec.tiles) {
          L.tileLayer(spec.tiles, { attribution: spec.attribution, maxZoom: 19 }).addTo(map);
        }
        var layer = L.geoJSON(shapes, {
          style: function (feature) {
            var count = counts[feature.properties.key] || 0;
            return { color: "#5a2a82", weight: 1, fillColor: shade(count, most), fillOpacity: 0.8 };
          },
          onEachFeature: function (feature, shape) {
            // Text nodes, never HTML: the names come from a file.
            var label = document.createElement("span");
            var count = counts[feature.properties.key] || 0;
            label.textContent = feature.properties.name + " (" + feature.properties.postal_code + "): " + format(count) + " " + spec.label.toLowerCase();
            shape.bindTooltip(label, { sticky: true });
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds());
      })
      .catch(function () {
        box.hidden = true;
      });
  }

  function setUp(root) {
    Array.prototype.forEach.call(root.querySelectorAll("canvas[data-chart]"), drawChart);
    Array.prototype.forEach.call(root.querySelectorAll("[data-map]"), drawMap);
  }

  // Before htmx replaces the figures, the old charts and map let go of their canvases and listeners.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (typeof Chart !== "undefined") {
      Array.prototype.forEach.call(target.querySelectorAll("canvas[data-chart]"), function (canvas) {
        var chart = Chart.getChart(canvas);
        if (chart) {
          chart.destroy();
        }
      });
    }
    Array.prototype.forEach.call(target.querySelectorAll("[data-map]"), function (box) {
      if (box.leafletMap) {
        box.leafletMap.remove();
      }
    });
  });

  if (window.htmx) {
    window.htmx.onLoad(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
})();
