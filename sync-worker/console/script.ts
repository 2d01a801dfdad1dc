import { CONSOLE_HEADER } from "./session.ts";

/**
 * The console's only script (served as /console/assets/console.js; a string so no bundler or asset
 * binding is needed). It swaps in the panels the server streams, and turns each form into a call of
 * the admin API — the same calls the CLI makes — with the session cookie and the console header.
 * Values from the server are set with textContent, never parsed as HTML; the streamed panels are
 * HTML the server rendered and escaped.
 */
export const CONSOLE_JS = `"use strict";
(function () {
  var HEADERS = { "content-type": "application/json", "${CONSOLE_HEADER}": "1" };
  var $ = function (id) { return document.getElementById(id); };
  var out = $("output");
  function say(text, kind) { out.textContent = text; out.dataset.kind = kind || "ok"; }

  function admin(method, path, body) {
    return fetch(path, { method: method, headers: HEADERS, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) }).then(function (res) {
      if (res.status === 401) { location.href = "/console"; throw new Error("signed out"); }
      return res.json().catch(function () { return null; }).then(function (json) {
        if (res.ok) return json;
        var e = json && json.error;
        var fields = e && Array.isArray(e.details)
          ? " (" + e.details.map(function (d) { return d.field + ": " + d.message; }).join("; ") + ")" : "";
        throw new Error(e ? e.code + ": " + e.message + fields : "HTTP " + res.status);
      });
    });
  }
  function act(promise, done) {
    return promise.then(done).catch(function (e) { say(e.message, "error"); });
  }

  // Live panels over Server-Sent Events; the browser reconnects by itself.
  var live = $("live");
  var stream = new EventSource("/console/events");
  stream.addEventListener("panels", function (ev) {
    var panels = JSON.parse(ev.data);
    Object.keys(panels).forEach(function (id) { var el = $(id); if (el) el.innerHTML = panels[id]; });
    live.textContent = "live"; document.body.dataset.live = "on";
  });
  stream.onerror = function () {
    // The server ends each stream after a minute and the browser reconnects within a second; a
    // closed stream (signed out, server gone) reloads, which shows the login form if need be.
    live.textContent = "reconnecting…"; document.body.dataset.live = "off";
    if (stream.readyState === EventSource.CLOSED) setTimeout(function () { location.reload(); }, 2000);
  };

  var list = function (v) { return v.split(/[\\s,]+/).filter(Boolean); };
  function scopeBody(form) {
    var scope = form.elements.scope.value, value = form.elements.value.value.trim();
    if (scope === "all") return { all: true };
    if (scope === "since") return { since: value };
    return scope === "keys" ? { keys: list(value) } : { shopIds: list(value) };
  }

  $("resync-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    act(admin("POST", "/admin/resync", scopeBody(ev.target)), function (job) {
      say("Resync " + job.scope + " started (job " + job.id + "); progress is under Resync jobs.");
    });
  });

  $("purge-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = scopeBody(ev.target);
    var what = body.all ? "EVERY document (edges fall back to the origin until a resync)"
      : (body.keys || body.shopIds).length + " " + (body.keys ? "document key(s)" : "shop(s)");
    if (!confirm("Purge " + what + "?")) return say("Purge cancelled.");
    act(admin("POST", "/admin/purge", body), function (r) { say("Purged " + r.purged + " document(s)."); });
  });

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = String(text); tr.appendChild(td); }
  function eventText(p) { return p && p.type ? p.type + " " + p.id : JSON.stringify(p).slice(0, 80); }

  $("audit-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    say("Auditing…");
    act(admin("POST", "/admin/audit", { sample: Number(ev.target.elements.sample.value) }), function (r) {
      say("Audit: " + r.sampled + " sampled, " + r.drifted.length + " drifted, " + r.repaired + " repaired, " + r.failed + " failed.");
      var box = $("audit-result"); box.textContent = "";
      if (!r.drifted.length) return;
      var table = document.createElement("table");
      r.drifted.forEach(function (d) { var tr = document.createElement("tr"); cell(tr, d.id); cell(tr, d.reason); table.appendChild(tr); });
      box.appendChild(table);
    });
  });

  function loadDlq() {
    return act(admin("GET", "/admin/dlq?limit=200"), function (r) {
      $("dlq-count").textContent = r.size + " dead letter(s)" + (r.entries.length < r.size ? ", showing " + r.entries.length : "");
      var body = document.querySelector("#dlq-table tbody"); body.textContent = "";
      r.entries.forEach(function (e) {
        var tr = document.createElement("tr"); tr.dataset.id = e.id;
        var pick = document.createElement("input"); pick.type = "checkbox"; pick.value = e.id;
        pick.setAttribute("aria-label", "select " + eventText(e.payload));
        var td = document.createElement("td"); td.appendChild(pick); tr.appendChild(td);
        [eventText(e.payload), e.reason, e.attempts, e.firstFailedAt, e.lastFailedAt].forEach(function (v) { cell(tr, v); });
        body.appendChild(tr);
      });
    });
  }
  function replay(body) {
    act(admin("POST", "/admin/dlq/replay", body), function (r) { say("Replayed " + r.replayed + " event(s)."); loadDlq(); });
  }
  $("dlq-refresh").addEventListener("click", loadDlq);
  $("dlq-replay-selected").addEventListener("click", function () {
    var ids = Array.prototype.map.call(document.querySelectorAll("#dlq-table tbody input:checked"), function (i) { return i.value; });
    if (!ids.length) return say("Pick the dead letters to replay first.", "error");
    replay({ ids: ids });
  });
  $("dlq-replay-all").addEventListener("click", function () {
    if (confirm("Replay every dead letter?")) replay({ all: true });
  });
  loadDlq();
})();
`;
