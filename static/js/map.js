// Maps: the job map (#jobmap), the workplace pin on the posting form (#pinmap) and
// a place shown read-only, e.g. a fair's venue (#placemap with data-lat/data-lng).
// Pages work without it: the job list under the map is rendered on the server.
// The tile layers, their credits and texts come from MAP_CONFIG (config/settings.py).
(function () {
  "use strict";

  function field(id) { return document.getElementById(id); }

  function setPoint(map, state, latlng) {
    if (state.marker) { state.marker.setLatLng(latlng); }
    else { state.marker = L.marker(latlng).addTo(map); }
    state.lat.value = latlng.lat.toFixed(6);
    state.lng.value = latlng.lng.toFixed(6);
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // Without tiles (MAP_TILES=none) or when no tile server answers (an intranet, a
  // blocked host, a wrong key), the map shows the districts' approximate outlines
  // under its pins and says so; the list under the job map is on the page anyway.
  function showOutlines(map, config) {
    if (map.outlinesShown) { return; }
    map.outlinesShown = true;
    (map.tileLayers || []).forEach(function (layer) { map.removeLayer(layer); });
    map.getContainer().classList.add("map-no-tiles");
    map.setMaxZoom(13);  // closer in, an outline fills the whole map
    var notice = L.control({ position: "bottomleft" });
    notice.onAdd = function () {
      var box = L.DomUtil.create("div", "map-notice");
      box.setAttribute("role", "status");
      box.textContent = config.no_tiles;
      return box;
    };
    notice.addTo(map);
    fetch(config.outlines).then(function (response) { return response.json(); }).then(function (data) {
      var outlines = L.geoJSON(data, {
        interactive: false,
        style: { color: "#56606e", weight: 1.5, fillColor: "#ffffff", fillOpacity: 0.6 }
      }).addTo(map);
      outlines.bringToBack();
      outlines.eachLayer(function (layer) {
        L.tooltip({ permanent: true, direction: "center", className: "district-name" })
          .setLatLng(layer.getBounds().getCenter())
          .setContent(escapeHtml(layer.feature.properties.name))
          .addTo(map);
      });
    });
  }

  function addTiles(map, config) {
    var loaded = false;
    var failed = 0;
    map.tileLayers = config.layers.map(function (layer) {
      var tiles = L.tileLayer(layer.url, {
        attribution: layer.attribution,
        subdomains: layer.subdomains || "abc",
        maxZoom: layer.max_zoom,
        referrerPolicy: layer.referrer_policy || false
      });
      tiles.on("tileload", function () { loaded = true; });
      tiles.on("tileerror", function () {
        failed += 1;
        if (!loaded && failed >= 4) { showOutlines(map, config); }
      });
      return tiles.addTo(map);
    });
    if (!map.tileLayers.length) { showOutlines(map, config); return; }
    window.setTimeout(function () {
      if (!loaded) { showOutlines(map, config); }
    }, config.tile_timeout * 1000);
  }

  function makeMap(id) {
    var element = document.getElementById(id);
    if (!element || !window.L) { return null; }
    var config = JSON.parse(document.getElementById("map-config").textContent);
    L.Icon.Default.imagePath = config.images;
    // Leaflet's own credit, without the flag it shows by default.
    var map = L.map(element, { attributionControl: false }).setView(config.center, config.zoom);
    L.control.attribution({ prefix: "Leaflet" }).addTo(map);
    addTiles(map, config);
    return map;
  }

  function jobMap(map) {
    var state = { lat: field("id_lat"), lng: field("id_lng"), marker: null };
    var km = field("id_km");
    var form = field("map-form");
    var locate = field("locate");
    if (state.lat.value && state.lng.value) {
      var centre = L.latLng(parseFloat(state.lat.value), parseFloat(state.lng.value));
      setPoint(map, state, centre);
      var radius = parseInt(km.value || "3", 10) * 1000;
      var circle = L.circle(centre, { radius: radius, weight: 1, fillOpacity: 0.05 }).addTo(map);
      map.fitBounds(circle.getBounds());
      var url = form.dataset.geojson + "?" + new URLSearchParams(new FormData(form));
      fetch(url).then(function (response) { return response.json(); }).then(function (data) {
        L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 7, color: "#b3261e", fillOpacity: 0.8 });
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties;
            layer.bindPopup('<a href="' + p.url + '"><strong>' + escapeHtml(p.title) +
              "</strong></a><br>" + escapeHtml(p.employer) + "<br>" + escapeHtml(p.salary) +
              " · " + p.distance_km.toFixed(1) + " km");
          }
        }).addTo(map);
      });
    }
    map.on("click", function (event) {
      setPoint(map, state, event.latlng);
      form.submit();
    });
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          setPoint(map, state, L.latLng(position.coords.latitude, position.coords.longitude));
          form.submit();
        });
      });
    }
    km.addEventListener("change", function () { if (state.lat.value) { form.submit(); } });
  }

  function pinMap(map) {
    var state = { lat: field("id_latitude"), lng: field("id_longitude"), marker: null };
    if (state.lat.value && state.lng.value) {
      var point = L.latLng(parseFloat(state.lat.value), parseFloat(state.lng.value));
      setPoint(map, state, point);
      map.setView(point, 15);
    }
    map.on("click", function (event) { setPoint(map, state, event.latlng); });
  }

  var place = makeMap("placemap");
  if (place) {
    var spot = L.latLng(parseFloat(place.getContainer().dataset.lat),
                        parseFloat(place.getContainer().dataset.lng));
    L.marker(spot).addTo(place);
    place.setView(spot, 15);
  }
  var job = makeMap("jobmap");
  if (job) { jobMap(job); }
  var pin = makeMap("pinmap");
  if (pin) { pinMap(pin); }
})();
