/* The official's invitation page (DESIGN.md §8). Plain JavaScript, no build step.
 *
 * Reads the token from its own URL, loads GET {registrationApi}/invitations/{token}, and answers it with
 * POST .../confirm or .../decline; once confirmed, asks for permits (izin) with POST .../permits and takes a
 * pending one back with POST .../permits/{id}/withdraw. Every piece of
 * data goes into the page through textContent, never as HTML.
 * Built for a phone on a poor connection: requests time out, a failed send keeps the form as typed, and every
 * send is idempotent on the server (answers by nature, permits by their Idempotency-Key), so sending again after
 * a lost reply is safe. */
(function () {
  "use strict";

  var TIMEOUT_MS = 30000;

  var STATUS_WORDS = {
    invited: "Diundang",
    confirmed: "Hadir dikonfirmasi",
    declined: "Tidak hadir",
    cancelled: "Dibatalkan",
    waitlisted: "Daftar tunggu"
  };

  var FIELD_LABELS = {
    shirt_size: "Ukuran kaos",
    health_notes: "Catatan kesehatan",
    emergency_contact: "Kontak darurat",
    reason: "Alasan",
    kind: "Jenis izin",
    session_ids: "Sesi",
    _schema: "Isian"
  };

  var PERMIT_KINDS = { sick: "Sakit", duty: "Dinas", family: "Keluarga", other: "Lainnya" };
  var PERMIT_STATUS_WORDS = {
    pending: "Menunggu", approved: "Disetujui", rejected: "Ditolak", withdrawn: "Dibatalkan"
  };

  var MSG = {
    network: "Koneksi terputus. Periksa jaringan Anda lalu coba lagi.",
    invalidLink: "Tautan undangan tidak valid atau sudah diganti.",
    invalidFields: "Beberapa isian belum benar:",
    server: function (status) {
      return "Terjadi kesalahan pada server (kode " + status + "). Silakan coba lagi beberapa saat lagi.";
    },
    confirmed: "Terima kasih, kehadiran Anda telah dikonfirmasi.",
    declined: "Terima kasih, jawaban Anda telah kami terima.",
    permitSent: "Pengajuan izin telah dikirim dan menunggu keputusan panitia.",
    permitWithdrawConfirm: "Batalkan pengajuan izin ini? Pengajuan yang dibatalkan tidak dapat diaktifkan lagi.",
    permitWithdrawn: "Pengajuan izin telah dibatalkan.",
    sending: "Mengirim…"
  };

  var CLOSED = {
    retreatCancelled: "Retret ini telah dibatalkan; undangan tidak dapat dijawab lagi.",
    registrationCancelled: "Pendaftaran Anda telah dibatalkan oleh panitia.",
    waitlisted: "Anda masih dalam daftar tunggu. Undangan akan dikirim bila ada tempat.",
    draft: "Retret ini belum dibuka untuk menjawab undangan.",
    deadline: "Batas waktu jawaban telah lewat, sehingga undangan ini tidak dapat dijawab lagi. " +
              "Hubungi panitia bila ada perubahan."
  };

  var config = window.RETRET_CONFIG || {};
  // config.js may have been lost on a bad connection: the API is on this origin anyway.
  var API = (config.registrationApi || (window.location.origin + "/api/v1")).replace(/\/+$/, "");
  var state = { retreat: null, registration: null, canRespond: false, sessions: [], permits: [] };
  var sending = false;
  // A permit request's body (as JSON) → the Idempotency-Key it was sent with, until the server answers it: sending
  // the same request again (the page's own retry, or the official pressing the button again after a network
  // failure, even in a reopened form) carries the same key, so the server makes one permit. Another body is
  // another request and gets its own key.
  var permitKeys = {};

  function $(id) { return document.getElementById(id); }

  function show(element, visible) { element.hidden = !visible; }

  function tokenFromUrl() {
    var match = window.location.pathname.match(/\/invitations\/([^\/]+)\/?$/);
    if (!match) { return ""; }
    try {
      return encodeURIComponent(decodeURIComponent(match[1]));
    } catch (e) {
      return "";
    }
  }

  var TOKEN = tokenFromUrl();

  // ------------------------------------------------------------------ talking to the API
  function Problem(kind, status, body) {
    this.kind = kind;          // "network" | "http"
    this.status = status || 0;
    this.body = body || null;  // the problem+json body, when there was one
  }

  function call(method, path, payload, headers) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    var options = {
      method: method,
      headers: { "Accept": "application/json" },
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer"
    };
    if (controller) { options.signal = controller.signal; }
    Object.keys(headers || {}).forEach(function (name) { options.headers[name] = headers[name]; });
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(API + path, options).then(function (response) {
      return response.json().then(
        function (body) { return { response: response, body: body }; },
        function () { return { response: response, body: null }; }
      );
    }, function () {
      throw new Problem("network");
    }).then(function (result) {
      var response = result.response, body = result.body;
      if (response.ok && body) { return body; }
      if (response.ok) { throw new Problem("network"); }  // the answer was cut off on the way
      throw new Problem("http", response.status, body);
    }).finally(function () {
      if (timer) { clearTimeout(timer); }
    });
  }

  /* A fresh Idempotency-Key. randomUUID needs a recent browser and a secure context (HTTPS or localhost); the
   * fallback is 128 random bits in hex, from getRandomValues where there is one. */
  function newKey() {
    var cryptoApi = window.crypto || window.msCrypto;
    if (cryptoApi && typeof cryptoApi.randomUUID === "function") {
      try { return cryptoApi.randomUUID(); } catch (e) { /* not a secure context: the fallback below */ }
    }
    var bytes = [], i;
    if (cryptoApi && typeof cryptoApi.getRandomValues === "function") {
      bytes = Array.prototype.slice.call(cryptoApi.getRandomValues(new Uint8Array(16)));
    } else {
      for (i = 0; i < 16; i += 1) { bytes.push(Math.floor(Math.random() * 256)); }
    }
    return bytes.map(function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function permitKey(payload) {
    var body = JSON.stringify(payload);
    if (!permitKeys[body]) { permitKeys[body] = newKey(); }
    return permitKeys[body];
  }

  // ------------------------------------------------------------------ formatting (Bahasa Indonesia)
  function formatter(options, timeZone) {
    try {
      return new Intl.DateTimeFormat("id-ID", Object.assign({ timeZone: timeZone }, options));
    } catch (e) {  // a zone this browser does not know: its own zone is better than nothing
      return new Intl.DateTimeFormat("id-ID", options);
    }
  }

  var DAY = { weekday: "long", day: "numeric", month: "long", year: "numeric" };

  /* A calendar date ("2025-05-15") of the retreat. It has no time of day, so it is placed at noon UTC and
   * shown in UTC: the same day in every zone, whatever the phone's own zone is. */
  function formatDate(isoDate) {
    var p = String(isoDate).split("-").map(Number);
    return formatter(DAY, "UTC").format(new Date(Date.UTC(p[0], p[1] - 1, p[2], 12)));
  }

  function formatDates(retreat) {
    var first = formatDate(retreat.starts_on);
    if (retreat.ends_on === retreat.starts_on) { return first; }
    return first + " – " + formatDate(retreat.ends_on);
  }

  /* A moment (ISO-8601 with offset) in the retreat's own time zone, e.g. "Sabtu, 17 Mei 2025 pukul 23.59 WIB".
   * Answers close at midnight at the end of the last day: shown as 23.59 of that day, not 00.00 of the next. */
  function formatMoment(iso, timeZone) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) { return String(iso); }
    var clock = formatter({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, timeZone);
    var parts = {};
    clock.formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    if (Number(parts.hour) === 0 && Number(parts.minute) === 0) {
      moment = new Date(moment.getTime() - 60 * 1000);
    }
    return formatter(Object.assign({ hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" },
                                   DAY), timeZone).format(moment);
  }

  /* A session's time in the retreat's zone: "Jumat, 16 Mei 2025, 08.00–10.00 WIB" (both ends in full when it
   * runs past midnight). */
  function formatSpan(startsIso, endsIso, timeZone) {
    var starts = new Date(startsIso), ends = new Date(endsIso);
    if (isNaN(starts.getTime()) || isNaN(ends.getTime())) { return String(startsIso) + " – " + String(endsIso); }
    var day = formatter(DAY, timeZone);
    var clock = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (day.format(starts) !== day.format(ends)) {
      var full = formatter(Object.assign({ timeZoneName: "short" }, clock, DAY), timeZone);
      return full.format(starts) + " – " + full.format(ends);
    }
    return day.format(starts) + ", " + formatter(clock, timeZone).format(starts) + "–" +
      formatter(Object.assign({ timeZoneName: "short" }, clock), timeZone).format(ends);
  }

  // ------------------------------------------------------------------ rendering
  function setText(id, text) {
    var element = $(id);
    element.textContent = text || "";
    return element;
  }

  function addFact(list, label, value) {
    if (value === null || value === undefined || value === "") { return; }
    var row = document.createElement("div");
    var dt = document.createElement("dt");
    var dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = value;
    row.appendChild(dt);
    row.appendChild(dd);
    list.appendChild(row);
  }

  function closedReason(registration, retreat) {
    if (retreat.status === "cancelled") { return CLOSED.retreatCancelled; }
    if (registration.status === "cancelled") { return CLOSED.registrationCancelled; }
    if (registration.status === "waitlisted") { return CLOSED.waitlisted; }
    if (retreat.status === "draft") { return CLOSED.draft; }
    return CLOSED.deadline;
  }

  function renderRetreat() {
    var retreat = state.retreat, official = state.registration.official || {};
    setText("retreat-title", retreat.title);
    setText("retreat-organizer", retreat.organizer);
    setText("retreat-dates", formatDates(retreat));
    setText("retreat-venue", retreat.venue);
    show($("venue-row"), Boolean(retreat.venue));
    setText("official-name", official.name);
    setText("official-position", official.position);
    setText("official-unit", official.unit_name);
    document.title = "Undangan: " + retreat.title;
  }

  function renderStatus() {
    var registration = state.registration, retreat = state.retreat;
    var status = $("status");
    status.textContent = STATUS_WORDS[registration.status] || registration.status;
    status.setAttribute("data-status", registration.status);

    var details = $("answer-details");
    details.textContent = "";
    if (registration.status === "confirmed") {
      addFact(details, "Ukuran kaos", registration.shirt_size);
      addFact(details, "Catatan kesehatan", registration.health_notes);
      addFact(details, "Kontak darurat", registration.emergency_contact);
    }
    if (registration.status === "declined") { addFact(details, "Alasan", registration.reason); }
    addFact(details, "Kelompok", registration.group);
    addFact(details, "Kamar", registration.room);
    renderBadge(registration.status === "confirmed");

    var over = retreat.status === "cancelled" || registration.status === "cancelled";
    var closesAt = retreat.responses_close_at;
    var answered = registration.status === "confirmed" || registration.status === "declined";
    var lead = !state.canRespond ? "Batas waktu jawaban: "
      : answered ? "Jawaban masih dapat diubah sampai " : "Mohon jawab paling lambat ";
    var deadline = closesAt && !over ? lead + formatMoment(closesAt, retreat.timezone) + "." : "";
    setText("deadline", deadline);
    show($("deadline"), Boolean(deadline));

    setText("closed", state.canRespond ? "" : closedReason(registration, retreat));
    show($("closed"), !state.canRespond);

    var canConfirm = state.canRespond && registration.status !== "confirmed";
    var canDecline = state.canRespond && registration.status !== "declined";
    show(document.querySelector("[data-action=confirm]"), canConfirm);
    show(document.querySelector("[data-action=decline]"), canDecline);
    show($("actions"), (canConfirm || canDecline) && !$("form-slot").firstElementChild);
    renderPermits();
  }

  /* Permits are for a confirmed official of a retreat that runs (the API answers 409 otherwise); the ones asked
   * for before stay listed whatever happened since. */
  function canAskPermit() {
    return state.registration.status === "confirmed" && state.retreat.status !== "cancelled";
  }

  function renderPermits() {
    var ask = canAskPermit(), list = $("permit-list");
    show($("permit-card"), ask || state.permits.length > 0);
    list.textContent = "";
    state.permits.forEach(function (permit) { list.appendChild(permitItem(permit)); });
    show($("permit-none"), state.permits.length === 0);
    show($("permit-no-sessions"), ask && state.sessions.length === 0);
    show($("permit-actions"), ask && state.sessions.length > 0 && !$("permit-slot").firstElementChild);
  }

  function permitItem(permit) {
    var item = document.createElement("li");
    item.setAttribute("data-permit", permit.id);
    var head = document.createElement("div");
    head.className = "permit-head";
    var kind = document.createElement("span");
    kind.textContent = "Izin " + (PERMIT_KINDS[permit.kind] || permit.kind);
    var status = document.createElement("span");
    status.className = "badge permit-status";
    status.setAttribute("data-status", permit.status);
    status.textContent = PERMIT_STATUS_WORDS[permit.status] || permit.status;
    head.appendChild(kind);
    head.appendChild(status);
    item.appendChild(head);
    var covered = document.createElement("ul");
    coveredSpans(permit).forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      covered.appendChild(li);
    });
    item.appendChild(covered);
    appendLine(item, "Alasan: ", permit.reason);
    appendLine(item, "Keterangan panitia: ", permit.decision_reason);
    if (permit.status === "pending") {  // an approved one is the organiser's to withdraw (the API answers 409)
      var actions = document.createElement("div");
      actions.className = "actions";
      var withdraw = document.createElement("button");
      withdraw.type = "button";
      withdraw.className = "secondary";
      withdraw.setAttribute("data-action", "withdraw-permit");
      withdraw.textContent = "Batalkan pengajuan";
      withdraw.addEventListener("click", function () { withdrawPermit(permit, withdraw); });
      actions.appendChild(withdraw);
      item.appendChild(actions);
    }
    return item;
  }

  /* Takes back a pending request. A lost reply is sent once more right away; if the first one did arrive, the
   * second is a 409 and the page shows the permit as the server has it now. */
  function withdrawPermit(permit, button) {
    if (button.disabled || !window.confirm(MSG.permitWithdrawConfirm)) { return; }
    var label = button.textContent;
    button.disabled = true;
    button.textContent = MSG.sending;
    clearAlert();
    show($("permit-success"), false);
    var path = "/invitations/" + TOKEN + "/permits/" + permit.id + "/withdraw";
    call("POST", path).catch(function (problem) {
      if (problem instanceof Problem && problem.kind === "network") { return call("POST", path); }
      throw problem;
    }).then(function (answer) {
      state.permits = state.permits.map(function (p) { return p.id === answer.id ? answer : p; });
      renderPermits();
      var success = setText("permit-success", MSG.permitWithdrawn);
      show(success, true);
      success.focus();
    }, function (problem) {
      button.disabled = false;
      button.textContent = label;
      var outcome = showProblem(problem, null);
      if (outcome === "invalid") { show($("invitation"), false); }
      if (outcome === "conflict") { refresh(); }
    });
  }

  function coveredSpans(permit) {
    var zone = state.retreat.timezone;
    if (!permit.session_ids || !permit.session_ids.length) {
      return permit.starts_at ? [formatSpan(permit.starts_at, permit.ends_at, zone)] : [];
    }
    return permit.session_ids.map(function (id) {
      var session = state.sessions.filter(function (s) { return s.id === id; })[0];
      return session ? sessionLabel(session) : "Sesi yang tidak lagi terjadwal";
    });
  }

  function sessionLabel(session) {
    return session.title + " — " + formatSpan(session.starts_at, session.ends_at, state.retreat.timezone);
  }

  function appendLine(parent, label, value) {
    if (!value) { return; }
    var line = document.createElement("p");
    line.className = "muted";
    line.textContent = label + value;
    parent.appendChild(line);
  }

  /* The QR badge is there once the official has confirmed (the API answers 409 before). */
  function renderBadge(confirmed) {
    show($("badge-card"), confirmed);
    if (!confirmed) { return; }
    var badge = API + "/invitations/" + TOKEN + "/badge";
    if ($("badge-qr").getAttribute("src") !== badge + "?format=svg") { $("badge-qr").src = badge + "?format=svg"; }
    $("badge-download").href = badge + "?format=png";
  }

  // ------------------------------------------------------------------ messages
  /* The one alert goes where the official is looking: inside the open form just above its buttons (where the
   * thumb that pressed "submit" is; a message at the top of a long page is never seen on a phone), else above
   * the answer buttons, else (no invitation shown) at the top of the page. */
  function placeAlert() {
    var alert = $("alert"), form = openedForm();
    if (form) {
      form.insertBefore(alert, form.querySelector(".actions"));
    } else if (!$("invitation").hidden) {
      $("actions").parentNode.insertBefore(alert, $("actions"));
    } else {
      $("loading").parentNode.insertBefore(alert, $("loading").nextSibling);
    }
    return alert;
  }

  function clearAlert() {
    var alert = $("alert");
    alert.textContent = "";
    show(alert, false);
  }

  function showAlert(message, items) {
    var alert = placeAlert();
    alert.textContent = "";
    var paragraph = document.createElement("p");
    paragraph.textContent = message;
    alert.appendChild(paragraph);
    if (items && items.length) {
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item;
        list.appendChild(li);
      });
      alert.appendChild(list);
    }
    show(alert, true);
  }

  /* The API's field messages, listed in the alert and each also right under its field ("session_ids.0" is the
   * sessions' group). */
  function fieldMessages(errors, form) {
    var items = [];
    Object.keys(errors || {}).forEach(function (field) {
      var messages = [].concat(errors[field]).join(" ");
      var name = field.split(".")[0];
      items.push((FIELD_LABELS[name] || field) + ": " + messages);
      if (form) { markField(form, name, messages); }
    });
    return items;
  }

  function markField(form, name, messages) {
    var input = form.querySelector("[data-field='" + name + "']") || form.elements.namedItem(name);
    if (!input || !input.setAttribute) { return; }
    input.setAttribute("aria-invalid", "true");
    var note = document.getElementById("error-" + name);
    if (!note) {
      note = document.createElement("p");
      note.className = "field-error";
      note.id = "error-" + name;
      if (input.tagName === "FIELDSET") {
        input.appendChild(note);
      } else {
        input.parentNode.insertBefore(note, input.nextSibling);
      }
      input.setAttribute("aria-describedby", note.id);
    }
    note.textContent = note.textContent ? note.textContent + " " + messages : messages;
  }

  function clearFieldMessages(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (input) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (note) {
      note.parentNode.removeChild(note);
    });
  }

  /* What went wrong, in words the official understands. Returns the kind of failure for the caller. */
  function showProblem(problem, form) {
    if (!(problem instanceof Problem)) { problem = new Problem("network"); }
    if (problem.kind === "network") {
      showAlert(MSG.network);
      return "network";
    }
    var body = problem.body || {};
    if (problem.status === 404) {
      showAlert(MSG.invalidLink);
      return "invalid";
    }
    if (problem.status === 422) {
      var items = fieldMessages(body.errors, form);
      showAlert(items.length ? MSG.invalidFields : (body.detail || MSG.invalidFields), items);
      return "fields";
    }
    if (problem.status === 400 || problem.status === 409 || problem.status === 429) {
      showAlert(body.detail || MSG.server(problem.status), fieldMessages(body.errors, form));
      return problem.status === 409 ? "conflict" : "other";
    }
    showAlert(MSG.server(problem.status));
    return "other";
  }

  // ------------------------------------------------------------------ answering
  /* The one form on screen: the answer's (in the status card) or the permit's (in its own card). */
  function openedForm() { return document.querySelector(".form-slot > form"); }

  function closeForm() {
    var form = openedForm();
    if (form) {
      var slot = form.parentNode;
      slot.parentNode.insertBefore($("alert"), slot);  // out of the form before it goes
      slot.textContent = "";
      placeAlert();
    }
  }

  function openForm(kind) {
    clearAlert();
    show($("success"), false);
    show($("permit-success"), false);
    closeForm();
    var form = $(kind + "-form").content.firstElementChild.cloneNode(true);
    var registration = state.registration;
    if (kind === "permit") {
      fillSessionChoices(form.querySelector(".session-choices"));
    } else if (kind === "confirm") {
      var select = form.elements.namedItem("shirt_size");
      var size = registration.shirt_size || "";
      if (size && !Array.prototype.some.call(select.options, function (o) { return o.value === size; })) {
        select.appendChild(new Option(size, size));
      }
      select.value = size;
      form.elements.namedItem("health_notes").value = registration.health_notes || "";
      form.elements.namedItem("emergency_contact").value = registration.emergency_contact || "";
    } else {
      form.elements.namedItem("reason").value = registration.reason || "";
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(kind, form);
    });
    form.querySelector("[data-action=cancel]").addEventListener("click", function () {
      if (sending) { return; }
      closeForm();
      clearAlert();
      renderStatus();
    });
    $(kind === "permit" ? "permit-slot" : "form-slot").appendChild(form);
    show($("actions"), false);
    show($("permit-actions"), false);
    form.querySelector("input, select, textarea").focus();
  }

  function fillSessionChoices(container) {
    state.sessions.forEach(function (session) {
      var label = document.createElement("label");
      label.className = "choice";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "session_ids";
      box.value = session.id;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + sessionLabel(session)));
      container.appendChild(label);
    });
  }

  function collect(kind, form) {
    if (kind === "permit") {
      var checked = form.querySelectorAll("input[name=session_ids]:checked");
      var chosen = form.querySelector("input[name=kind]:checked");
      var permit = { reason: form.elements.namedItem("reason").value.trim(),
                     session_ids: Array.prototype.map.call(checked, function (box) { return box.value; }) };
      if (chosen) { permit.kind = chosen.value; }  // none chosen: the API says the field is required
      return permit;
    }
    var names = kind === "confirm" ? ["shirt_size", "health_notes", "emergency_contact"] : ["reason"];
    var body = {};
    names.forEach(function (name) { body[name] = form.elements.namedItem(name).value.trim(); });
    return body;
  }

  function send(kind, form) {
    if (sending) { return; }  // one answer at a time, however often the button is pressed
    sending = true;
    var button = form.querySelector("[data-action=submit]");
    var label = button.textContent;
    button.disabled = true;
    button.textContent = MSG.sending;
    form.setAttribute("aria-busy", "true");
    clearAlert();
    clearFieldMessages(form);

    var payload = collect(kind, form);
    var path = "/invitations/" + TOKEN + "/" + (kind === "permit" ? "permits" : kind);
    var request;
    if (kind === "permit") {
      var body = JSON.stringify(payload), headers = { "Idempotency-Key": permitKey(payload) };
      // A failed send may have reached the server with only its reply lost: send it once more right away with
      // the same key, which answers the permit made (200) or makes it now, never a second one.
      request = call("POST", path, payload, headers).catch(function (problem) {
        if (problem instanceof Problem && problem.kind === "network") {
          return call("POST", path, payload, headers);
        }
        throw problem;
      }).then(function (answer) {
        delete permitKeys[body];  // answered: a later identical request is a new one
        return answer;
      }, function (problem) {
        if (!(problem instanceof Problem && problem.kind === "network")) { delete permitKeys[body]; }
        throw problem;
      });
    } else {
      request = call("POST", path, payload);
    }
    request.then(function (answer) {
      closeForm();
      if (kind === "permit") {
        permitSent(answer);
        return;
      }
      state.registration = answer;
      state.canRespond = answer.can_respond;
      renderStatus();
      var success = setText("success", kind === "confirm" ? MSG.confirmed : MSG.declined);
      show(success, true);
      success.focus();
    }, function (problem) {
      var outcome = showProblem(problem, form);
      if (outcome === "invalid") { show($("invitation"), false); }
      if (outcome === "invalid" || outcome === "conflict") { closeForm(); }
      if (outcome === "conflict") { refresh(); }
    }).finally(function () {
      sending = false;
      button.disabled = false;
      button.textContent = label;
      form.removeAttribute("aria-busy");
    });
  }

  function permitSent(permit) {
    state.permits = [permit].concat(state.permits.filter(function (p) { return p.id !== permit.id; }));
    renderPermits();
    var success = setText("permit-success", MSG.permitSent);
    show(success, true);
    success.focus();
  }

  // ------------------------------------------------------------------ loading
  function apply(invitation) {
    state.retreat = invitation.retreat;
    state.registration = invitation.registration;
    state.canRespond = Boolean(invitation.can_respond);
    state.sessions = invitation.sessions || [];
    state.permits = invitation.permits || [];
  }

  /* After a conflict (e.g. the deadline passed meanwhile): show the state as it is now. When answering is no
   * longer possible the notice under the status says why, so the alert would only repeat it. */
  function refresh() {
    call("GET", "/invitations/" + TOKEN).then(function (invitation) {
      apply(invitation);
      renderStatus();
      if (!state.canRespond) { clearAlert(); }
    }, function () { /* the message already on screen says enough */ });
  }

  function load() {
    clearAlert();
    show($("retry-box"), false);
    show($("loading"), true);
    if (!TOKEN) {
      show($("loading"), false);
      showAlert(MSG.invalidLink);
      return;
    }
    call("GET", "/invitations/" + TOKEN).then(function (invitation) {
      apply(invitation);
      renderRetreat();
      renderStatus();
      show($("loading"), false);
      show($("invitation"), true);
    }, function (problem) {
      show($("loading"), false);
      var outcome = showProblem(problem, null);
      show($("retry-box"), outcome !== "invalid");
    });
  }

  document.querySelector("[data-action=confirm]").addEventListener("click", function () { openForm("confirm"); });
  document.querySelector("[data-action=decline]").addEventListener("click", function () { openForm("decline"); });
  document.querySelector("[data-action=permit]").addEventListener("click", function () { openForm("permit"); });
  document.querySelector("[data-action=retry]").addEventListener("click", load);
  load();
}());
