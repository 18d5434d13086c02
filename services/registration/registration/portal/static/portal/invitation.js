/* The official's invitation page (DESIGN.md §8). Plain JavaScript, no build step.
 *
 * Reads the token from its own URL, loads GET {registrationApi}/invitations/{token}, and answers it with
 * POST .../confirm or .../decline. Every piece of data goes into the page through textContent, never as HTML.
 * Built for a phone on a poor connection: requests time out, a failed send keeps the form as typed, and the
 * answers are idempotent on the server, so sending again after a lost reply is safe. */
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
    _schema: "Isian"
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
  var state = { retreat: null, registration: null, canRespond: false };
  var sending = false;

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

  function call(method, path, payload) {
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
    var alert = $("alert"), form = $("form-slot").firstElementChild;
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

  function fieldMessages(errors, form) {
    var items = [];
    Object.keys(errors || {}).forEach(function (field) {
      var messages = [].concat(errors[field]).join(" ");
      items.push((FIELD_LABELS[field] || field) + ": " + messages);
      var input = form && form.elements.namedItem(field);
      if (input && input.setAttribute) { input.setAttribute("aria-invalid", "true"); }
    });
    return items;
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
  function closeForm() {
    var slot = $("form-slot");
    if (slot.firstElementChild) {
      slot.parentNode.insertBefore($("alert"), slot);  // out of the form before it goes
      slot.textContent = "";
      placeAlert();
    }
  }

  function openForm(kind) {
    clearAlert();
    show($("success"), false);
    closeForm();
    var form = $(kind + "-form").content.firstElementChild.cloneNode(true);
    var registration = state.registration;
    if (kind === "confirm") {
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
    $("form-slot").appendChild(form);
    show($("actions"), false);
    form.elements[0].focus();
  }

  function collect(kind, form) {
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
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (input) {
      input.removeAttribute("aria-invalid");
    });

    call("POST", "/invitations/" + TOKEN + "/" + kind, collect(kind, form)).then(function (registration) {
      state.registration = registration;
      state.canRespond = registration.can_respond;
      closeForm();
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

  // ------------------------------------------------------------------ loading
  function apply(invitation) {
    state.retreat = invitation.retreat;
    state.registration = invitation.registration;
    state.canRespond = Boolean(invitation.can_respond);
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
  document.querySelector("[data-action=retry]").addEventListener("click", load);
  load();
}());
