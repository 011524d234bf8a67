/* Shared client code: the connection, the sync-on-change loop, the countdown, escaping. */
(function () {
  "use strict";

  /* Translate a message with the page's catalogue (built from the server's Babel catalogue);
   * placeholders are written %(name)s, as in the Python messages. */
  const PLACEHOLDER = new RegExp("%\\((\\w+)\\)[sd]", "g");

  function t(msgid, params) {
    const catalogue = window.COCREATE_I18N || {};
    const text = catalogue[msgid] || msgid;
    if (!params) return text;
    return text.replace(PLACEHOLDER, function (match, key) {
      return params[key] !== undefined ? String(params[key]) : match;
    });
  }

  // Built with RegExp() rather than literals so Babel's JavaScript extractor reads this file.
  const HTML_SPECIAL = new RegExp("[&<>\"']", "g");
  const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function esc(value) {
    return String(value == null ? "" : value).replace(HTML_SPECIAL, function (ch) { return ENTITIES[ch]; });
  }

  function formatSeconds(total) {
    const sign = total < 0 ? "−" : "";
    const abs = Math.abs(total);
    const minutes = Math.floor(abs / 60);
    const seconds = abs % 60;
    return sign + minutes + ":" + String(seconds).padStart(2, "0");
  }

  /*
   * Connect to the workshop. The server only ever says "changed"; the client then asks for
   * its snapshot, so a reconnect after lost Wi-Fi or a server restart shows the true state.
   */
  function connect(options) {
    const statusEl = document.getElementById("status");
    let clockOffset = 0;
    let syncTimer = null;
    const socket = io({ auth: options.auth, reconnectionDelayMax: 4000 });

    function showStatus(kind, text) {
      if (!statusEl) return;
      statusEl.hidden = kind === "online-quiet";
      statusEl.className = "status " + (kind === "offline" ? "offline" : "online");
      statusEl.textContent = text || "";
    }

    function sync() {
      socket.timeout(10000).emit("sync", {}, function (err, ack) {
        if (err || !ack || !ack.ok) return;
        clockOffset = ack.snapshot.server_now - Date.now();
        options.onSnapshot(ack.snapshot);
      });
    }

    let wasDisconnected = false;
    socket.on("connect", function () {
      showStatus(wasDisconnected ? "online" : "online-quiet", t("Connected again"));
      if (wasDisconnected) setTimeout(function () { showStatus("online-quiet"); }, 2500);
      wasDisconnected = false;
      document.body.dataset.connected = "yes";
      sync();
      if (options.onConnect) options.onConnect();
    });
    socket.on("disconnect", function () {
      wasDisconnected = true;
      document.body.dataset.connected = "no";
      showStatus("offline", t("Offline — reconnecting… nothing you typed is lost."));
    });
    socket.on("connect_error", function (err) {
      wasDisconnected = true;
      document.body.dataset.connected = "no";
      if (err && err.message === "not joined") { window.location.reload(); return; }
      if (err && (err.message === "unknown workshop" || err.message === "wrong facilitator key")) {
        showStatus("offline", t("This link is no longer valid."));
        return;
      }
      showStatus("offline", t("Offline — reconnecting…"));
    });
    socket.on("changed", function () {
      clearTimeout(syncTimer);
      syncTimer = setTimeout(sync, 120);
    });

    /* Send an action; resolves with the server's {ok, error, ...} answer. */
    function act(event, payload) {
      return new Promise(function (resolve) {
        if (!socket.connected) {
          resolve({ ok: false, offline: true, error: t("You are offline. Wait for the connection to come back.") });
          return;
        }
        socket.timeout(10000).emit(event, payload || {}, function (err, ack) {
          if (err) resolve({ ok: false, offline: true, error: t("No answer from the server. Check your connection and try again.") });
          else resolve(ack || { ok: false, error: t("No answer from the server. Check your connection and try again.") });
        });
      });
    }

    function secondsLeft(deadlineMs) {
      return Math.round((deadlineMs - (Date.now() + clockOffset)) / 1000);
    }

    return { socket: socket, act: act, sync: sync, secondsLeft: secondsLeft };
  }

  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  /* What a result's score counts, by counting method. */
  function scoreUnit(method) {
    return { borda: t("points"), schulze: t("beaten"), points: t("points"), approval: t("approvals") }[method] || "";
  }

  window.cocreate = { t: t, esc: esc, formatSeconds: formatSeconds, connect: connect, uid: uid, scoreUnit: scoreUnit };
})();
