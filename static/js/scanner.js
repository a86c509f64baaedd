// Gate scanner: sends each code once (a fresh nonce per scan), shows the answer in
// big words, and reads QR codes with the camera where the browser can.
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  var input = document.getElementById("id_raw");
  var result = document.getElementById("scan-result");
  if (!form || !window.fetch) return;

  function nonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
    });
  }

  function show(data) {
    result.className = "scan-result " + (data.ok ? "ok" : data.wait ? "wait" : "fail");
    result.innerHTML = "";
    var strong = document.createElement("strong");
    strong.textContent = data.label;
    var span = document.createElement("span");
    span.textContent = data.detail || "";
    result.appendChild(strong);
    result.appendChild(span);
  }

  var busy = false;
  function send(raw) {
    if (busy || !raw.trim()) return;
    busy = true;
    var data = new FormData(form);
    data.set("raw", raw);
    data.set("nonce", nonce());
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { form.submit(); })
      .finally(function () {
        busy = false;
        input.value = "";
        input.focus();
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
  });

  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera");
  function cameraMissing() {
    document.getElementById("camera-missing").hidden = false;
  }
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    cameraMissing();
    return;
  }
  // Some browsers have the detector but read no QR codes with it.
  var formats = window.BarcodeDetector.getSupportedFormats
    ? window.BarcodeDetector.getSupportedFormats()
    : Promise.resolve(["qr_code"]);
  formats.then(function (supported) {
    if (supported.indexOf("qr_code") < 0) cameraMissing();
    else button.hidden = false;
  }, cameraMissing);
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var last = "";
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        button.hidden = true;
        return video.play();
      })
      .then(function () {
        setInterval(function () {
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue !== last) {
              last = codes[0].rawValue;
              send(last);
              setTimeout(function () { last = ""; }, 3000);
            }
          });
        }, 300);
      })
      .catch(cameraMissing);
  });
})();
