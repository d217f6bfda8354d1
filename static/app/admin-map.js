// The admin's read-only site map: the GeoJSON beside it drawn with the project's own Leaflet
// (no map library or tiles from the internet, which a council's network may not reach).
(function () {
  document.querySelectorAll('[data-admin-map]').forEach(function (element) {
    var source = document.getElementById(element.getAttribute('data-admin-map'));
    if (!source || typeof L === 'undefined') { return; }
    var map = L.map(element, { attributionControl: false });
    var layer = L.geoJSON(JSON.parse(source.textContent), {
      style: { color: '#d4351c', weight: 3, fillOpacity: 0.1 }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 18, padding: [20, 20] });
  });
})();
