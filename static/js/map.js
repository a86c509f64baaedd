// Maps: the job map (#jobmap), the workplace pin on the posting form (#pinmap) and
// a place shown read-only, e.g. a fair's venue (#placemap with data-lat/data-lng).
// Pages work without it: the job list under the map is rendered on the server.
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

  function makeMap(id) {
    var element = document.getElementById(id);
    if (!element || !window.L) { return null; }
    var config = JSON.parse(document.getElementById("map-config").textContent);
    L.Icon.Default.imagePath = config.images;
    var map = L.map(element).setView(config.center, config.zoom);
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18 }).addTo(map);
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
