/**
 * The monitors' street map of an alert's trail, on the console's alert page (alerts/console/detail.html).
 *
 * Progressive enhancement over the SVG drawing of her positions, which always stays in the page: the map's card
 * is hidden in the HTML, shown by this script, and hidden again when no street tile can load (an intranet, a
 * provider down); without the script or Leaflet it never shows. Either way the monitors see the SVG as before. The trail comes from the page (json_script
 * "alert-trail", inside the part htmx refreshes every few seconds): after each refresh the line and the marker
 * of the latest position are drawn again, without moving the view the monitor chose.
 */
(function () {
  "use strict";

  var box = document.getElementById("console-map");
  if (!box || typeof L === "undefined") {
    return;
  }
  var card = document.getElementById("console-map-card");
  card.hidden = false; // Leaflet needs a visible box to measure; hidden again if no tile can load
  var attribution = box.dataset.attribution || "";
  var map = L.map(box, { attributionControl: Boolean(attribution), zoomControl: true });
  var layer = L.layerGroup().addTo(map);
  var framed = false;

  var tiles = L.tileLayer(box.dataset.tiles, { attribution: attribution, maxZoom: 19 });
  tiles.on("tileload", function () {
    box.dataset.loaded = "1";
  });
  tiles.on("tileerror", function () {
    if (!box.dataset.loaded) {
      card.hidden = true; // no street map: the SVG drawing of her positions is what the monitors see
    }
  });
  tiles.addTo(map);

  function trail() {
    var node = document.getElementById("alert-trail");
    try {
      return node ? JSON.parse(node.textContent) : [];
    } catch (error) {
      return [];
    }
  }

  function draw() {
    var points = trail().map(function (p) {
      return [p.lat, p.lon];
    });
    layer.clearLayers();
    if (!points.length) {
      map.setView([23.6, -102.5], 5); // Mexico, until the first position arrives
      return;
    }
    L.polyline(points, { color: "#6f2c91", weight: 3 }).addTo(layer);
    points.slice(0, -1).forEach(function (point) {
      L.circleMarker(point, { radius: 3, color: "#6f2c91", fillOpacity: 1 }).addTo(layer);
    });
    var latest = points[points.length - 1];
    // The latest position: a bigger red mark with its words (not the colour only) for assistive technology.
    L.circleMarker(latest, { radius: 9, color: "#ffffff", weight: 2, fillColor: "#dc3545", fillOpacity: 1 })
      .bindTooltip(box.dataset.latestLabel || "", { permanent: false })
      .addTo(layer);
    if (!framed) {
      map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 17 });
      framed = true;
    }
  }

  draw();
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "alert-live") {
      draw();
    }
  });
})();
