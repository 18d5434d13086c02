/* The check-in station (DESIGN.md §8). Plain JavaScript, no build step.
 *
 * Opened through a station token's link (/station/#retreat=<id>&token=<token>): both are kept in this browser
 * (localStorage) and the fragment is cleared. The manifest (GET .../manifest, then only the changes since its
 * version) lets the station decide every scan at once with no network: the scanned code is hashed (SHA-256) and
 * looked up; present or late by the session's start and the retreat's tolerance; already scanned; unknown.
 * Each accepted scan is queued with its true time and a new scan id, and the queue is uploaded in batches
 * (POST .../checkins/batch) whenever the network is there: the server decides again (idempotent by scan id, the
 * earliest scan wins) and its answer replaces the local one. Data enters the page only through textContent.
 *
 * Codes come from a scanner that types (keyboard wedge: the code and Enter into the input) or from the phone's
 * camera ("Pindai dengan kamera"): the browser's BarcodeDetector where it reads QR codes, else the vendored jsQR,
 * loaded only then. Both end in the same scan(code). */
(function () {
  "use strict";

  var STORE = "retret-station";
  var SYNC_EVERY_MS = 15000;
  var BATCH = 200;
  var TIMEOUT_MS = 30000;
  var CAMERA_EVERY_MS = 150;      // between two decodes: enough for a queue of people, light on a phone's battery
  var CAMERA_SAME_CODE_MS = 3000; // a badge held in front of the camera counts once, until it is away this long

  var WORDS = {
    present: "Hadir",
    late: "Terlambat",
    duplicate: "Sudah dipindai",
    unknown: "Tidak dikenal",
    outside: "Di luar waktu presensi"
  };
  var MSG = {
    unknown: "Kode badge tidak terdaftar pada retret ini (atau belum mengonfirmasi kehadiran).",
    outside: "Sesi ini hanya menerima presensi pada jendela waktunya.",
    noSession: "Pilih sesi terlebih dahulu.",
    refused: "Token stasiun ditolak (dicabut, kedaluwarsa, atau untuk retret lain). Minta tautan baru kepada operator.",
    pending: function (count) {
      return count + " pindaian retret sebelumnya belum terunggah. Sambungkan ke jaringan hingga antrean kosong, " +
             "lalu buka tautan stasiun yang baru lagi.";
    },
    insecure: "Halaman stasiun harus dibuka lewat HTTPS (atau localhost): peramban tidak mengizinkan pemeriksaan " +
              "kode badge di alamat ini.",
    cameraInsecure: "Kamera hanya dapat dipakai bila halaman stasiun dibuka lewat HTTPS (atau localhost). " +
                    "Gunakan pemindai atau ketik kodenya.",
    cameraMissing: "Kamera tidak ditemukan pada perangkat ini. Gunakan pemindai atau ketik kodenya.",
    cameraDenied: "Izin kamera ditolak. Izinkan kamera untuk halaman ini di pengaturan peramban, lalu coba lagi.",
    cameraBusy: "Kamera sedang dipakai aplikasi lain. Tutup aplikasi itu, lalu coba lagi.",
    cameraFailed: "Kamera tidak dapat dibuka. Gunakan pemindai atau ketik kodenya.",
    decoderFailed: "Pembaca QR gagal dimuat. Periksa jaringan, lalu coba lagi.",
    online: "Terhubung",
    offline: "Tidak ada jaringan — pindaian disimpan dan diunggah nanti"
  };

  var config = window.RETRET_CONFIG || {};
  var API = (config.registrationApi || (window.location.origin + "/api/v1")).replace(/\/+$/, "");
  var state = load();
  var syncing = false;
  var online = navigator.onLine;

  function $(id) { return document.getElementById(id); }

  // ------------------------------------------------------------------ what the browser keeps
  function fresh() {
    return { retreatId: "", token: "", version: 0, retreat: null, sessions: {}, badges: {}, queue: [], seen: {},
             sessionId: "", rejected: 0, lastSync: "" };
  }

  function load() {
    try {
      return Object.assign(fresh(), JSON.parse(window.localStorage.getItem(STORE) || "{}"));
    } catch (e) {
      return fresh();
    }
  }

  function save() { window.localStorage.setItem(STORE, JSON.stringify(state)); }

  function takeLinkFromFragment() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    if (!params.get("retreat") || !params.get("token")) { return; }
    window.history.replaceState(null, "", window.location.pathname);  // the token leaves the address bar
    if (params.get("retreat") !== state.retreatId) {
      if (state.queue.length) {  // another retreat's link: the old scans must reach their own retreat first
        alertText(MSG.pending(state.queue.length));
        return;
      }
      state = fresh();
    }
    state.retreatId = params.get("retreat");
    state.token = params.get("token");
    save();
  }

  // ------------------------------------------------------------------ the API
  function call(method, path, payload) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    var options = { method: method, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
                    signal: controller.signal,
                    headers: { "Accept": "application/json", "Authorization": "Bearer " + state.token } };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(API + "/retreats/" + encodeURIComponent(state.retreatId) + path, options)
      .then(function (response) {
        setOnline(true);
        if (response.status === 401 || response.status === 403) { alertText(MSG.refused); throw response; }
        if (!response.ok) { throw response; }
        return response.json();
      }, function (error) { setOnline(false); throw error; })
      .finally(function () { clearTimeout(timer); });
  }

  function refreshManifest() {
    var asked = state.retreatId;
    return call("GET", "/manifest?since_version=" + state.version).then(function (manifest) {
      if (state.retreatId !== asked) { return; }  // another station link was opened meanwhile
      state.retreat = manifest.retreat;
      if (manifest.full) { state.sessions = {}; state.badges = {}; }
      manifest.sessions.forEach(function (s) { state.sessions[s.id] = s; });
      manifest.badges.forEach(function (b) { state.badges[b.registration_id] = b; });
      manifest.removed.sessions.forEach(function (id) { delete state.sessions[id]; });
      manifest.removed.registrations.forEach(function (id) { delete state.badges[id]; });
      state.version = manifest.version;
      save();
      render();
    });
  }

  function sync() {
    if (syncing || !state.queue.length) { return Promise.resolve(); }
    syncing = true;
    var scans = state.queue.slice(0, BATCH);
    var asked = state.retreatId;
    return call("POST", "/checkins/batch", { scans: scans }).then(function (answer) {
      if (state.retreatId !== asked) { return; }
      var done = {};
      answer.results.forEach(function (result) {
        done[result.scan_id] = true;
        if (result.outcome === "rejected") { state.rejected += 1; return; }
        if (result.registration_id && result.status) {  // the server's word replaces the station's
          state.seen[result.session_id + "|" + result.registration_id] = result.status;
        }
      });
      state.queue = state.queue.filter(function (scan) { return !done[scan.scan_id]; });
      state.lastSync = new Date().toISOString();
      save();
    }).catch(function () { /* kept in the queue: uploaded next time */ }).finally(function () {
      syncing = false;
      renderStatus();
    });
  }

  // ------------------------------------------------------------------ deciding a scan
  function sha256Hex(text) {
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
      return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  function badgeByHash(hash) {
    var ids = Object.keys(state.badges);
    for (var i = 0; i < ids.length; i += 1) {
      if (state.badges[ids[i]].badge_hash === hash) { return state.badges[ids[i]]; }
    }
    return null;
  }

  function newScanId() {
    return window.crypto.randomUUID ? window.crypto.randomUUID()
      : Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function scan(code) {
    var session = state.sessions[state.sessionId];
    if (!session) { return Promise.resolve(show("unknown", WORDS.unknown, "", MSG.noSession)); }
    var now = new Date();
    return sha256Hex(code).then(function (hash) {
      var badge = badgeByHash(hash);
      if (!badge) { return show("unknown", WORDS.unknown, "", MSG.unknown); }
      var who = [badge.unit_name, badge.group].filter(Boolean).join(" · ");
      var key = session.id + "|" + badge.registration_id;
      if (state.seen[key]) { return show("duplicate", WORDS.duplicate, badge.name, WORDS[state.seen[key]]); }
      if (now < new Date(session.checkin_opens_at) || now > new Date(session.checkin_closes_at)) {
        return show("outside", WORDS.outside, badge.name, MSG.outside);
      }
      var tolerance = (state.retreat && state.retreat.late_tolerance_minutes) || 0;
      var status = now.getTime() > new Date(session.starts_at).getTime() + tolerance * 60000 ? "late" : "present";
      state.seen[key] = status;
      state.queue.push({ scan_id: newScanId(), session_id: session.id, code: code, scanned_at: now.toISOString() });
      save();
      show(status, WORDS[status], badge.name, who);
      return sync();
    });
  }

  // ------------------------------------------------------------------ the camera
  var camera = { run: 0, stream: null, timer: 0, detector: null, canvas: null, lastCode: "", lastSeen: 0 };

  function cameraMessage(text) { $("camera-message").textContent = text; $("camera-message").hidden = !text; }

  function cameraShown(on) {
    document.querySelector('[data-action="camera-start"]').hidden = on;
    document.querySelector('[data-action="camera-stop"]').hidden = !on;
    $("camera-video").hidden = !on;
  }

  function cameraError(error) {
    var name = (error && error.name) || "";
    if (name === "NotAllowedError" || name === "SecurityError") { return MSG.cameraDenied; }
    if (name === "NotFoundError" || name === "OverconstrainedError") { return MSG.cameraMissing; }
    if (name === "NotReadableError" || name === "AbortError") { return MSG.cameraBusy; }
    if (name === "DecoderError") { return MSG.decoderFailed; }
    return MSG.cameraFailed;
  }

  function nativeDetector() {  // Chrome on Android: the platform's own reader, no download
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return Promise.resolve(window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats()
                                                                     : [])
      .then(function (formats) {
        return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
      })
      .catch(function () { return null; });
  }

  var jsQRLoading = null;  // one download, whether the prefetch or the camera asks first

  function loadJsQR() {
    if (window.jsQR) { return Promise.resolve(); }
    if (!jsQRLoading) {
      jsQRLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = document.querySelector(".camera").getAttribute("data-decoder");
        script.onload = function () { return window.jsQR ? resolve() : reject({ name: "DecoderError" }); };
        script.onerror = function () { script.remove(); reject({ name: "DecoderError" }); };
        document.head.appendChild(script);
      }).catch(function (error) { jsQRLoading = null; throw error; });  // the next attempt downloads again
    }
    return jsQRLoading;
  }

  // Not with the page (it stays light on a poor connection), but once the station has its manifest, while the
  // network is there: on the field at 05:30 the signal may be gone when the operator starts the camera.
  function prefetchDecoder() {
    nativeDetector().then(function (detector) { return detector ? null : loadJsQR(); })
      .catch(function () { /* tried again when the camera starts */ });
  }

  function decodeFrame(video) {
    if (camera.detector) {
      return camera.detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : ""; });
    }
    var scale = Math.min(1, 640 / video.videoWidth);  // jsQR's time grows with the pixels; 640 wide reads a badge
    var width = Math.round(video.videoWidth * scale);
    var height = Math.round(video.videoHeight * scale);
    var canvas = camera.canvas || (camera.canvas = document.createElement("canvas"));
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, width, height);
    var found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height,
                            { inversionAttempts: "dontInvert" });  // badges are printed dark on light
    return Promise.resolve(found ? found.data : "");
  }

  function cameraTick(run) {
    var video = $("camera-video");
    var next = function () {
      if (camera.run === run) { camera.timer = setTimeout(function () { cameraTick(run); }, CAMERA_EVERY_MS); }
    };
    if (camera.run !== run) { return; }
    if (video.readyState < 2 || !video.videoWidth) { next(); return; }
    decodeFrame(video).then(function (text) {
      var code = (text || "").trim();
      if (!code || camera.run !== run) { return; }
      var now = Date.now();
      var same = code === camera.lastCode && now - camera.lastSeen < CAMERA_SAME_CODE_MS;
      camera.lastCode = code;
      camera.lastSeen = now;  // still in view: the quiet time starts again
      if (!same) { scan(code); }
    }).catch(function () { /* a frame that cannot be read: the next one */ }).then(next);
  }

  function startCamera() {
    cameraMessage("");
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraMessage(MSG.cameraInsecure);  // getUserMedia exists only in a secure context
      return Promise.resolve();
    }
    stopCamera();
    var run = camera.run;
    cameraShown(true);
    return nativeDetector().then(function (detector) {
      camera.detector = detector;
      return detector ? null : loadJsQR();
    }).then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (stream) {
      if (camera.run !== run) {  // stopped (or hidden) while the camera was opening
        stream.getTracks().forEach(function (track) { track.stop(); });
        return;
      }
      camera.stream = stream;
      var video = $("camera-video");
      video.srcObject = stream;
      var playing = video.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
      cameraTick(run);
    }).catch(function (error) {
      if (camera.run !== run) { return; }
      stopCamera();
      cameraMessage(cameraError(error));
    });
  }

  function stopCamera() {
    camera.run += 1;  // every pending step of the previous run sees it is over
    clearTimeout(camera.timer);
    if (camera.stream) {
      camera.stream.getTracks().forEach(function (track) { track.stop(); });  // the camera light goes off
      camera.stream = null;
    }
    var video = $("camera-video");
    video.pause();
    video.srcObject = null;
    camera.lastCode = "";
    cameraShown(false);
  }

  // ------------------------------------------------------------------ the page
  function alertText(text) { $("alert").textContent = text; $("alert").hidden = !text; }

  function show(kind, word, name, detail) {
    var box = $("result");
    box.setAttribute("data-result", kind);
    $("result-word").textContent = word;
    $("result-name").textContent = name || "";
    $("result-detail").textContent = detail || "";
    box.hidden = false;
    renderStatus();
  }

  function timeOf(iso) {
    var zone = state.retreat && state.retreat.timezone;
    try {
      return new Date(iso).toLocaleString("id-ID", { timeZone: zone, weekday: "short", hour: "2-digit",
                                                    minute: "2-digit" });
    } catch (e) {
      return new Date(iso).toLocaleString("id-ID");
    }
  }

  function sortedSessions() {
    return Object.keys(state.sessions).map(function (id) { return state.sessions[id]; })
      .sort(function (a, b) { return a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : 0; });
  }

  function defaultSession(sessions) {
    var now = new Date();
    var open = sessions.filter(function (s) {
      return new Date(s.checkin_opens_at) <= now && now <= new Date(s.checkin_closes_at);
    });
    var next = sessions.filter(function (s) { return new Date(s.checkin_opens_at) > now; });
    return (open[0] || next[0] || sessions[sessions.length - 1] || { id: "" }).id;
  }

  function render() {
    $("setup").hidden = Boolean(state.token);
    $("station").hidden = !state.token;
    if (!state.retreat) { renderStatus(); return; }
    $("retreat-code").textContent = state.retreat.code;
    $("retreat-title").textContent = state.retreat.title;
    var sessions = sortedSessions();
    if (!state.sessions[state.sessionId]) { state.sessionId = defaultSession(sessions); }
    var select = $("session");
    select.textContent = "";
    sessions.forEach(function (s) {
      var option = document.createElement("option");
      option.value = s.id;
      option.textContent = timeOf(s.starts_at) + " — " + s.title;
      select.appendChild(option);
    });
    select.value = state.sessionId;
    var current = state.sessions[state.sessionId];
    $("session-window").textContent = current
      ? "Presensi dibuka " + timeOf(current.checkin_opens_at) + " s.d. " + timeOf(current.checkin_closes_at) : "";
    renderStatus();
  }

  function setOnline(value) { online = value; renderStatus(); }

  function renderStatus() {
    $("queue-count").textContent = String(state.queue.length);
    $("rejected-count").textContent = String(state.rejected);
    $("network").textContent = online ? MSG.online : MSG.offline;
    $("last-sync").textContent = state.lastSync ? timeOf(state.lastSync) : "belum";
  }

  function refresh() {
    if (!state.token) { return Promise.resolve(); }
    return refreshManifest().then(prefetchDecoder, function () {}).then(sync);
  }

  function start() {
    takeLinkFromFragment();
    render();
    if (!window.crypto || !window.crypto.subtle) { alertText(MSG.insecure); }  // SHA-256 needs a secure context
    $("session").addEventListener("change", function (event) {
      state.sessionId = event.target.value;
      save();
      render();
    });
    $("scan-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var input = $("code");
      var code = input.value.trim();
      input.value = "";
      input.focus();
      if (code) { scan(code); }
    });
    document.querySelector('[data-action="sync"]').addEventListener("click", refresh);
    document.querySelector('[data-action="camera-start"]').addEventListener("click", startCamera);
    document.querySelector('[data-action="camera-stop"]').addEventListener("click", function () {
      stopCamera();
      cameraMessage("");
    });
    // A hidden page or one being left must not keep the camera (and its light) on.
    document.addEventListener("visibilitychange", function () { if (document.hidden) { stopCamera(); } });
    window.addEventListener("pagehide", stopCamera);
    window.addEventListener("online", function () { setOnline(true); sync(); });
    window.addEventListener("offline", function () { setOnline(false); });
    window.addEventListener("hashchange", function () {  // a station link opened in this very tab
      var before = state.retreatId;
      takeLinkFromFragment();
      if (state.retreatId !== before) { alertText(""); }
      render();
      refresh();
    });
    refresh();
    setInterval(refresh, SYNC_EVERY_MS);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
