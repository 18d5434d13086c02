/* The check-in station (DESIGN.md §8). Plain JavaScript, no build step.
 *
 * Opened through a station token's link (/station/#retreat=<id>&token=<token>): both are kept in this browser
 * (localStorage) and the fragment is cleared. The manifest (GET .../manifest, then only the changes since its
 * version) lets the station decide every scan at once with no network: the scanned code is hashed (SHA-256) and
 * looked up; present or late by the session's start and the retreat's tolerance; already scanned; unknown.
 * Each accepted scan is queued with its true time and a new scan id, and the queue is uploaded in batches
 * (POST .../checkins/batch) whenever the network is there: the server decides again (idempotent by scan id, the
 * earliest scan wins) and its answer replaces the local one. Data enters the page only through textContent. */
(function () {
  "use strict";

  var STORE = "retret-station";
  var SYNC_EVERY_MS = 15000;
  var BATCH = 200;
  var TIMEOUT_MS = 30000;

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
    return refreshManifest().catch(function () {}).then(sync);
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
