// The application page's enhancements: the site map (Leaflet) and the triage progress line.
// Without this script the page still lists every constraint and offers a refresh link.
(function () {
  'use strict'

  var COLOURS = { site: '#d4351c', on: '#1d70b8', near: '#505a5f', history: '#4c2c92' }

  function describe (properties) {
    if (properties.kind === 'site') return properties.name
    if (properties.kind === 'history') {
      return properties.reference + ': ' + properties.decision +
        (properties.year ? ' ' + properties.year : '') + ' (' + properties.why + ')'
    }
    var name = properties.name || properties.reference || properties.entity
    var where = properties.relation === 'nearby'
      ? Math.round(properties.distance_m) + ' m away'
      : properties.site_share_pct.toFixed(1) + '% of the site'
    return properties.dataset.replace(/-/g, ' ') + ': ' + name + ' (' + where + ')'
  }

  function drawMap (element) {
    if (!window.L) return
    var map = L.map(element, { zoomControl: true, attributionControl: true, keyboard: true })
    var tiles = element.getAttribute('data-tile-url')
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 20, attribution: element.getAttribute('data-tile-attribution') || '' }).addTo(map)
    }
    fetch(element.getAttribute('data-geojson-url'), { credentials: 'same-origin' })
      .then(function (response) { return response.json() })
      .then(function (collection) {
        element.querySelector('.app-map__fallback') && element.querySelector('.app-map__fallback').remove()
        var site = null
        var layer = L.geoJSON(collection, {
          style: function (feature) {
            var p = feature.properties
            if (p.kind === 'site') return { color: COLOURS.site, weight: 4, fill: false }
            if (p.kind === 'history') {
              return { color: COLOURS.history, weight: p.refused || p.enforcement ? 3 : 1.5, dashArray: '2 5', fill: false }
            }
            var near = p.relation === 'nearby'
            return { color: near ? COLOURS.near : COLOURS.on, weight: 2, dashArray: near ? '4 4' : null, fillOpacity: near ? 0.08 : 0.2 }
          },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 6 })
          },
          onEachFeature: function (feature, featureLayer) {
            featureLayer.bindTooltip(describe(feature.properties))
            if (feature.properties.kind === 'site') site = featureLayer
          }
        }).addTo(map)
        if (site) site.bringToFront()
        var bounds = site ? site.getBounds() : layer.getBounds()
        if (bounds.isValid()) map.fitBounds(bounds.pad(site ? 1.5 : 0.1), { maxZoom: 19 })
        element.setAttribute('data-loaded', String(collection.features.length))
      })
      .catch(function () {
        element.setAttribute('data-loaded', 'error')
      })
  }

  function watchTriage (line) {
    if (line.getAttribute('data-running') !== 'true') return
    var url = line.getAttribute('data-status-url')
    var timer = window.setInterval(function () {
      fetch(url, { credentials: 'same-origin' })
        .then(function (response) { return response.json() })
        .then(function (state) {
          if (state.done) {
            window.clearInterval(timer)
            line.textContent = 'Triage v' + state.version + ' has finished (' + state.status + '). Loading the result…'
            window.location.reload()
          } else {
            line.textContent = 'Triage v' + state.version + ' is ' + (state.status === 'running' ? 'in progress' : 'queued') + '…'
          }
        })
        .catch(function () {})
    }, 2000)
  }

  var map = document.getElementById('map')
  if (map) drawMap(map)
  var progress = document.getElementById('triage-progress')
  if (progress) watchTriage(progress)
})()
