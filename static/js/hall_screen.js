// The recruiting hall's live screen (and its small version on the home page):
// poll the stored figures every few seconds and redraw without reloading.
(function () {
  "use strict";

  function value(data, path) {
    return path.split(".").reduce(function (node, key) {
      return node === undefined || node === null ? undefined : node[key];
    }, data);
  }

  var locale = document.documentElement.lang || undefined;

  function bars(list, rows) {
    var top = rows.reduce(function (most, row) {
      return Math.max(most, row.value);
    }, 0);
    list.replaceChildren.apply(
      list,
      rows.map(function (row) {
        var item = document.createElement("li");
        var label = document.createElement("span");
        label.className = "bar-label";
        label.textContent = row.label;
        var meter = document.createElement("meter");
        meter.min = 0;
        meter.max = top || 1;
        meter.value = row.value;
        meter.setAttribute("aria-hidden", "true");
        var figure = document.createElement("strong");
        figure.textContent = row.value.toLocaleString(locale);
        item.append(label, meter, figure);
        return item;
      })
    );
  }

  function start(root) {
    var url = root.dataset.hallScreen;
    var every = parseInt(root.dataset.every || "5", 10) * 1000;
    var stale = root.querySelector("[data-stale]");
    var clock = root.querySelector('[data-field="clock"]');

    function draw(data) {
      root.querySelectorAll("[data-field]").forEach(function (field) {
        var found = value(data, field.dataset.field);
        if (found !== undefined) {
          field.textContent =
            found === null ? "–" : typeof found === "number" ? found.toLocaleString(locale) : found;
        }
      });
      root.querySelectorAll("[data-list]").forEach(function (list) {
        bars(list, data[list.dataset.list] || []);
      });
      if (clock) {
        clock.textContent = new Date(data.computed_at).toLocaleTimeString(locale);
      }
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          draw(data);
          if (stale) {
            stale.hidden = true;
          }
        })
        .catch(function () {
          if (stale) {
            stale.hidden = false;
          }
        })
        .finally(function () {
          window.setTimeout(poll, every);
        });
    }
    poll();
  }

  document.querySelectorAll("[data-hall-screen]").forEach(start);
})();
