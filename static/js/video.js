// The video room (docs/video-interviews.md): a camera and microphone test, then
// one RTCPeerConnection per other member, negotiated through the portal's
// signalling mailbox by short polling ("perfect negotiation": the member with the
// higher user id is polite). Media go browser to browser; nothing is recorded.
(function () {
  "use strict";
  var app = document.getElementById("video-app");
  if (!app) return;
  var config = JSON.parse(document.getElementById("video-config").textContent);
  var text = JSON.parse(document.getElementById("video-text").textContent);
  var csrf = document.querySelector("#video-csrf [name=csrfmiddlewaretoken]").value;
  var $ = function (id) { return document.getElementById(id); };

  var supported = window.RTCPeerConnection && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia && window.fetch;
  if (!supported) {
    $("video-unsupported").hidden = false;
    $("video-check").hidden = true;
    return;
  }

  var session = randomId();
  var cursor = 0;
  var joined = false;
  var stream = null;          // our camera and microphone
  var videoTrack = null;      // kept while sending sound only
  var audioOnly = false;
  var peers = {};             // user id -> {pc, polite, session, makingOffer, ...}
  var present = [];
  var failures = 0;

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function say(message) { $("video-status").textContent = message; }

  // 1. The camera and microphone test.
  function startDevices() {
    return navigator.mediaDevices.getUserMedia({
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
      audio: true,
    }).catch(function (error) {
      if (error.name === "NotFoundError" || error.name === "OverconstrainedError") {
        $("video-check-status").textContent = text.noCamera;
        return navigator.mediaDevices.getUserMedia({ audio: true });
      }
      throw error;
    }).then(function (media) {
      stream = media;
      videoTrack = media.getVideoTracks()[0] || null;
      $("video-preview").srcObject = media;
      $("video-self").srcObject = media;
      meter(media);
      if (videoTrack) $("video-check-status").textContent = text.ready;
      $("video-join").disabled = false;
      return navigator.mediaDevices.enumerateDevices();
    }).then(function (devices) {
      var cameras = devices.filter(function (d) { return d.kind === "videoinput"; });
      $("video-switch").hidden = cameras.length < 2;
    }).catch(function () {
      $("video-denied").hidden = false;
      $("video-check").hidden = true;
    });
  }

  function meter(media) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !media.getAudioTracks().length) return;
    var context = new Context();
    var analyser = context.createAnalyser();
    context.createMediaStreamSource(media).connect(analyser);
    var samples = new Uint8Array(analyser.fftSize);
    setInterval(function () {
      analyser.getByteTimeDomainData(samples);
      var peak = 0;
      for (var i = 0; i < samples.length; i++) {
        peak = Math.max(peak, Math.abs(samples[i] - 128) / 128);
      }
      $("video-level").value = peak;
    }, 200);
  }

  // 2. The mailbox.
  function request(url, body) {
    var options = { credentials: "same-origin", headers: { "X-CSRFToken": csrf } };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || response.status);
          error.refused = response.status === 403;
          error.retryAfter = response.status === 429 ? data.retry_after || 1 : 0;
          throw error;
        }
        return data;
      });
    });
  }

  function send(to, kind, payload) {
    var peer = to && peers[to];
    var body = {
      nonce: randomId(),
      kind: kind,
      to: to || null,
      payload: JSON.stringify({
        session: session,
        toSession: peer ? peer.session : null,
        data: payload || null,
      }),
    };
    return deliver(body, 0);
  }

  // Too many messages at once (the mailbox's limit per member): the same message
  // again a little later; its nonce makes sure it is stored once.
  function deliver(body, attempt) {
    return request(app.dataset.signal, body).catch(function (error) {
      if (error.refused) return stop(error.message);
      if (error.retryAfter && attempt < 5 && joined) {
        return new Promise(function (resolve) {
          setTimeout(resolve, error.retryAfter * 1000);
        }).then(function () { return deliver(body, attempt + 1); });
      }
    });
  }

  function poll() {
    if (!joined) return;
    request(app.dataset.poll + "?after=" + cursor).then(function (data) {
      if (failures) sayState();
      failures = 0;
      cursor = data.cursor;
      present = data.present;
      showPresence();
      data.signals.forEach(receive);
      // Quick while a connection is being made; once connected the mailbox only
      // keeps "who is here" current and carries an ICE restart now and then.
      var ids = Object.keys(peers);
      var busy = data.signals.length || ids.some(function (id) {
        return peers[id].pc.connectionState !== "connected";
      });
      setTimeout(poll, busy ? 700 : ids.length ? 4000 : 2000);
    }).catch(function (error) {
      if (error.refused) return stop(error.message);
      failures += 1;
      say(text.reconnecting);
      setTimeout(poll, Math.min(1000 * failures, 5000));
    });
  }

  function sayState() {
    var states = Object.keys(peers).map(function (id) { return peers[id].pc.connectionState; });
    if (states.indexOf("connected") >= 0) say(text.connected);
    else if (states.length) say(text.connecting);
  }

  function showPresence() {
    var list = $("video-presence");
    list.textContent = "";
    Object.keys(config.names).forEach(function (id) {
      if (Number(id) === config.me) return;
      var item = document.createElement("li");
      var here = present.indexOf(Number(id)) >= 0;
      item.className = here ? "here" : "away";
      item.textContent = config.names[id] + " · " + (here ? text.here : text.away);
      list.appendChild(item);
    });
    var others = present.filter(function (id) { return id !== config.me; });
    if (!others.length) say(text.waiting);
  }

  // 3. The peer connections.
  function peerFor(id, theirSession, addTracksNow) {
    var peer = peers[id];
    if (peer && peer.session === theirSession) return peer;
    if (peer) closePeer(id);
    var pc = new RTCPeerConnection({
      iceServers: config.iceServers,
      iceTransportPolicy: config.iceTransportPolicy,
    });
    peer = peers[id] = {
      pc: pc, session: theirSession, polite: config.me > id,
      makingOffer: false, ignoreOffer: false, weak: 0, tracksAdded: false,
      lost: 0, received: 0,
    };
    pc.onnegotiationneeded = function () {
      peer.makingOffer = true;
      pc.setLocalDescription().then(function () {
        return send(id, "offer", pc.localDescription.sdp);
      }).catch(function () {}).then(function () { peer.makingOffer = false; });
    };
    pc.onicecandidate = function (event) {
      if (event.candidate) send(id, "candidate", event.candidate.toJSON());
    };
    pc.ontrack = function (event) { showRemote(id, event.streams[0] || null, event.track); };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "connected") say(text.connected);
      if (pc.connectionState === "connecting") say(text.connecting);
      if (pc.connectionState === "disconnected") {
        say(text.reconnecting);
        // A blip: give ICE a few seconds, then restart it.
        setTimeout(function () {
          if (pc.connectionState === "disconnected") pc.restartIce();
        }, 4000);
      }
      if (pc.connectionState === "failed") {
        say(text.reconnecting);
        pc.restartIce();
      }
    };
    if (addTracksNow) addTracks(peer);
    return peer;
  }

  function addTracks(peer) {
    if (peer.tracksAdded || !stream) return;
    peer.tracksAdded = true;
    stream.getTracks().forEach(function (track) { peer.pc.addTrack(track, stream); });
    if (audioOnly) videoSenders(peer).forEach(function (s) { s.replaceTrack(null); });
  }

  function closePeer(id) {
    var peer = peers[id];
    if (!peer) return;
    peer.pc.close();
    delete peers[id];
    var box = $("video-remote-" + id);
    if (box) box.remove();
  }

  function showRemote(id, remoteStream, track) {
    var video = $("video-remote-" + id);
    if (!video) {
      video = document.createElement("video");
      video.id = "video-remote-" + id;
      video.className = "video-remote";
      video.autoplay = true;
      video.playsInline = true;
      video.setAttribute("aria-label", text.video.replace("%(name)s", config.names[id] || ""));
      $("video-remotes").appendChild(video);
    }
    if (remoteStream) {
      video.srcObject = remoteStream;
    } else {
      if (!video.srcObject) video.srcObject = new MediaStream();
      video.srcObject.addTrack(track);
    }
    var play = video.play();
    if (play && play.catch) play.catch(function () {});
  }

  function receive(signal) {
    var message;
    try {
      message = JSON.parse(signal.payload);
    } catch (error) {
      return;
    }
    var from = signal.sender_id;
    if (!config.names[String(from)] || !message || !message.session) return;
    // Meant for an earlier visit of this page (a reload): stale, ignored.
    if (message.toSession && message.toSession !== session) return;
    if (signal.kind === "hello") {
      peerFor(from, message.session, true);
      return;
    }
    if (signal.kind === "bye") {
      if (peers[from] && peers[from].session === message.session) closePeer(from);
      return;
    }
    var peer = peers[from];
    if (signal.kind === "offer") {
      peer = peerFor(from, message.session, false);
      var pc = peer.pc;
      var collision = peer.makingOffer || pc.signalingState !== "stable";
      peer.ignoreOffer = !peer.polite && collision;
      if (peer.ignoreOffer) return;
      pc.setRemoteDescription({ type: "offer", sdp: message.data }).then(function () {
        addTracks(peer);
        return pc.setLocalDescription();
      }).then(function () {
        return send(from, "answer", pc.localDescription.sdp);
      }).catch(function () {});
      return;
    }
    if (!peer || peer.session !== message.session) return;
    if (signal.kind === "answer") {
      if (peer.pc.signalingState !== "have-local-offer") return;
      peer.pc.setRemoteDescription({ type: "answer", sdp: message.data }).catch(function () {});
    } else if (signal.kind === "candidate") {
      peer.pc.addIceCandidate(message.data).catch(function () {});
    }
  }

  // 4. Quality: round trip, losses and frames; too weak for video, sound only.
  function videoSenders(peer) {
    return peer.pc.getTransceivers().filter(function (transceiver) {
      return transceiver.receiver.track.kind === "video";
    }).map(function (transceiver) { return transceiver.sender; });
  }

  function measure() {
    var ids = Object.keys(peers);
    if (!ids.length) return;
    Promise.all(ids.map(function (id) { return peerReport(peers[id]); })).then(function (reports) {
      var worst = reports.reduce(function (a, b) { return rank(a.quality) > rank(b.quality) ? a : b; });
      var label = $("video-quality");
      label.textContent = text[worst.quality] || "–";
      label.dataset.quality = worst.quality;
      ids.forEach(function (id, i) {
        var peer = peers[id];
        if (!peer) return;
        peer.lost = reports[i].lost;
        peer.received = reports[i].received;
        // A connection that is down is being reconnected, not too weak for video.
        var weak = reports[i].quality === "poor" && reports[i].state === "connected";
        peer.weak = weak ? peer.weak + 1 : 0;
        if (peer.weak >= 3 && !audioOnly) soundOnly();
      });
    });
  }

  function rank(quality) { return { good: 0, fair: 1, poor: 2 }[quality] || 0; }

  function peerReport(peer) {
    return peer.pc.getStats().then(function (stats) {
      var report = { state: peer.pc.connectionState, framesDecoded: 0, rtt: null,
        lost: 0, received: 0, bitrate: null, local: null, remote: null };
      var pair = null;
      stats.forEach(function (s) {
        if (s.type === "inbound-rtp" && s.kind === "video") report.framesDecoded += s.framesDecoded || 0;
        if (s.type === "inbound-rtp") {
          report.lost += s.packetsLost || 0;
          report.received += s.packetsReceived || 0;
        }
        if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded") {
          report.rtt = s.currentRoundTripTime;
          report.bitrate = s.availableOutgoingBitrate || null;
          pair = s;
        }
      });
      if (pair) {
        report.local = (stats.get(pair.localCandidateId) || {}).candidateType || null;
        report.remote = (stats.get(pair.remoteCandidateId) || {}).candidateType || null;
      }
      var lost = report.lost - peer.lost;
      var received = report.received - peer.received;
      var loss = lost > 0 ? lost / Math.max(lost + received, 1) : 0;
      if (report.state !== "connected") report.quality = "poor";
      else if ((report.rtt || 0) > 0.6 || loss > 0.08 || (report.bitrate && report.bitrate < 100000)) report.quality = "poor";
      else if ((report.rtt || 0) > 0.3 || loss > 0.02 || (report.bitrate && report.bitrate < 300000)) report.quality = "fair";
      else report.quality = "good";
      return report;
    });
  }

  function soundOnly() {
    audioOnly = true;
    Object.keys(peers).forEach(function (id) {
      videoSenders(peers[id]).forEach(function (sender) { sender.replaceTrack(null); });
    });
    $("video-audio-only").textContent = text.audioOnly;
    $("video-audio-only").hidden = false;
    $("video-retry").hidden = false;
  }

  $("video-retry").addEventListener("click", function () {
    audioOnly = false;
    $("video-retry").hidden = true;
    $("video-audio-only").hidden = true;
    Object.keys(peers).forEach(function (id) {
      peers[id].weak = 0;
      videoSenders(peers[id]).forEach(function (sender) { sender.replaceTrack(videoTrack); });
    });
  });

  // 5. The controls.
  function toggle(button, kind, offLabel, onLabel) {
    button.addEventListener("click", function () {
      var off = button.getAttribute("aria-pressed") !== "true";
      (stream ? stream.getTracks() : []).forEach(function (track) {
        if (track.kind === kind) track.enabled = !off;
      });
      button.setAttribute("aria-pressed", off ? "true" : "false");
      button.textContent = off ? onLabel : offLabel;
    });
  }
  toggle($("video-mute"), "audio", text.mute, text.unmute);
  toggle($("video-camera"), "video", text.cameraOff, text.cameraOn);

  // Phones often cannot open two cameras at once: the one in use is stopped first,
  // and opened again if the other cannot be.
  $("video-switch").addEventListener("click", function () {
    var button = $("video-switch");
    var current = videoTrack && videoTrack.getSettings().deviceId;
    button.disabled = true;
    navigator.mediaDevices.enumerateDevices().then(function (devices) {
      var cameras = devices.filter(function (d) { return d.kind === "videoinput"; });
      var index = cameras.findIndex(function (d) { return d.deviceId === current; });
      var next = cameras[(index + 1) % cameras.length];
      if (videoTrack) videoTrack.stop();
      return open(next.deviceId).catch(function () { return open(current); });
    }).then(useCamera).catch(function () {
      // Neither camera opens: say so, and show the camera as off.
      say(text.cameraLost);
      $("video-camera").setAttribute("aria-pressed", "true");
      $("video-camera").textContent = text.cameraOn;
    }).then(function () { button.disabled = false; });
  });

  function open(deviceId) {
    return navigator.mediaDevices.getUserMedia({ video: { deviceId: { exact: deviceId } } });
  }

  function useCamera(media) {
    var track = media.getVideoTracks()[0];
    // The camera-off button still holds for the new camera.
    track.enabled = $("video-camera").getAttribute("aria-pressed") !== "true";
    Object.keys(peers).forEach(function (id) {
      videoSenders(peers[id]).forEach(function (sender) {
        if (!audioOnly) sender.replaceTrack(track);
      });
    });
    if (videoTrack) stream.removeTrack(videoTrack);
    stream.addTrack(track);
    videoTrack = track;
    $("video-self").srcObject = stream;
  }

  function stop(message) {
    joined = false;
    Object.keys(peers).forEach(closePeer);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    say(message);
    $("video-hangup").disabled = true;
  }

  $("video-hangup").addEventListener("click", function () {
    send(null, "bye").then(function () {
      return request(app.dataset.leave, {});
    }).catch(function () {}).then(function () { stop(text.left); });
  });

  $("video-join").addEventListener("click", function () {
    $("video-join").disabled = true;
    request(app.dataset.join, {}).then(function (data) {
      cursor = data.cursor;
      joined = true;
      $("video-check").hidden = true;
      $("video-call").hidden = false;
      say(text.waiting);
      send(null, "hello");
      poll();
      setInterval(measure, 2000);
    }).catch(function (error) {
      $("video-check-status").textContent = error.message;
      $("video-join").disabled = false;
    });
  });

  window.addEventListener("pagehide", function () {
    if (!joined) return;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    navigator.sendBeacon(app.dataset.leave, body);
  });

  // For the browser test and support staff: the state of each connection.
  window.videoRoom = {
    report: function () {
      return Promise.all(Object.keys(peers).map(function (id) {
        return peerReport(peers[id]).then(function (report) {
          report.peer = Number(id);
          report.sending = videoSenders(peers[id]).map(function (sender) {
            return sender.track ? sender.track.label : null;
          });
          return report;
        });
      }));
    },
  };

  startDevices();
})();
