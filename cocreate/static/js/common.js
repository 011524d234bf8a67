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

  /* A pushed result carries its sentences in every language; a screen shows its own. */
  function inLanguage(results) {
    if (!results) return null;
    const texts = results.texts || {};
    const own = texts[document.documentElement.lang] || texts[Object.keys(texts)[0]] || {};
    const shown = Object.assign({}, results);
    delete shown.texts;
    return Object.assign(shown, own);
  }

  /*
   * A phone's or a tablet's screen from a "table_state" push: the table's view, shared by
   * everyone sitting there, plus this participant's small personal part. The same assembly
   * as cocreate.live.screens.participant_screen / tablet_screen on the server (see
   * docs/realtime.md). Returns null when the push holds nothing for this screen.
   */
  function assembleTableState(push, previous) {
    const view = push.view;
    const base = {
      view: previous.view, v: push.v, workshop: view.workshop || previous.workshop, round: view.round,
      shortlist: view.shortlist, results: inLanguage(view.results), server_now: view.server_now,
    };
    if (previous.view === "tablet") {
      return Object.assign(base, {
        me: previous.me, seat: Object.assign({}, view.seat, { at_home: true }), next_seat: null,
        free_roles: [], table_roles: view.roles, has_voted: false, waiting: false,
        notes: view.notes.map(function (n) { return Object.assign({}, n, { mine: true }); }),
        tables: view.tables || previous.tables,
      });
    }
    const personal = push.people[String(previous.me.id)];
    // Someone waiting sees no table's form: their screen comes from sync alone.
    if (!personal || personal.waiting) return null;
    // Pushes carry the tables (and the settings) only when they changed; else the ones this
    // screen last got.
    const tables = view.tables || previous.tables;
    const home = tables[String(personal.home)];
    const next = personal.next;
    return Object.assign(base, {
      me: Object.assign({}, previous.me, { role: personal.role, role_label: personal.role_label, home: home }),
      seat: Object.assign({}, view.seat, { at_home: view.seat.id === personal.home }),
      next_seat: next == null ? null : Object.assign({}, tables[String(next)], {
        at_home: next === personal.home, round_number: view.next_round_number,
      }),
      free_roles: personal.role === "member" ? view.free_roles : [],
      table_roles: view.roles,
      notes: view.notes.map(function (n) { return Object.assign({}, n, { mine: personal.mine.indexOf(n.id) >= 0 }); }),
      has_voted: previous.has_voted,
      waiting: false,
      tables: tables,
    });
  }

  /*
   * Connect to the workshop. On (re)connect the screen pulls its whole state with "sync", so
   * lost Wi-Fi or a server restart shows the true state; after that the server pushes each
   * new state ("table_state" to phones and tablets, "facilitator_state" to the facilitator),
   * numbered by the workshop's version: a push older than what the screen shows is ignored.
   */
  function connect(options) {
    const statusEl = document.getElementById("status");
    let clockOffset = 0;
    let current = null; // the snapshot on screen
    const socket = io({ auth: options.auth, reconnectionDelayMax: 4000 });

    function showStatus(kind, text) {
      if (!statusEl) return;
      statusEl.hidden = kind === "online-quiet";
      statusEl.className = "status " + (kind === "offline" ? "offline" : "online");
      statusEl.textContent = text || "";
    }

    function show(snapshot) {
      if (current && snapshot.v < current.v) return; // an older state overtaken by a newer one
      current = snapshot;
      clockOffset = snapshot.server_now - Date.now();
      options.onSnapshot(snapshot);
    }

    function sync() {
      socket.timeout(10000).emit("sync", {}, function (err, ack) {
        if (err || !ack || !ack.ok) return;
        show(ack.snapshot);
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
    socket.on("disconnect", function (reason) {
      wasDisconnected = true;
      document.body.dataset.connected = "no";
      // A phone keeps what was typed; a facilitator's screen says less (options.offlineText).
      showStatus("offline", options.offlineText || t("Offline — reconnecting… nothing you typed is lost."));
      // The server cuts off a screen whose link was revoked or replaced; Socket.IO does not
      // reconnect after that on its own. Try once: a refusal says the link is no longer valid.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", function (err) {
      wasDisconnected = true;
      document.body.dataset.connected = "no";
      if (err && err.message === "not joined") { window.location.reload(); return; }
      if (err && (err.message === "unknown workshop" || err.message === "wrong facilitator key")) {
        showStatus("offline", t("This link is no longer valid."));
        return;
      }
      showStatus("offline", options.offlineText || t("Offline — reconnecting…"));
    });
    socket.on("table_state", function (push) {
      // A push that overtakes the first sync's answer is not lost: that answer may be older.
      if (!current) { if (push) setTimeout(sync, 0); return; }
      if (!push || push.v <= current.v) return;
      const snapshot = assembleTableState(push, current);
      if (snapshot) show(snapshot);
      else sync();
    });
    socket.on("facilitator_state", function (push) {
      if (push && push.snapshot && (!current || push.v > current.v)) {
        // Without a public URL the server cannot name the join address in a push.
        if (!push.snapshot.workshop.join_url && current) push.snapshot.workshop.join_url = current.workshop.join_url;
        show(push.snapshot);
      }
    });
    socket.on("voted", function () {
      if (!current || current.has_voted) return;
      current = Object.assign({}, current, { has_voted: true });
      options.onSnapshot(current);
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

  /* What a result's score counts, by counting method: a Schulze score counts the challenges
   * it wins against, so it reads "5 pairwise wins", never "beaten". */
  function scoreUnit(method, score) {
    const one = score === 1;
    return {
      borda: one ? t("Borda point") : t("Borda points"),
      schulze: one ? t("pairwise win") : t("pairwise wins"),
      points: one ? t("point") : t("points"),
      approval: one ? t("approval") : t("approvals"),
    }[method] || "";
  }

  /* ` lang="xx"` for a text in another language than the screen's (a Danish plan on an
   * English screen), so a screen reader reads it with the right voice; else nothing. */
  function langAttr(language) {
    return language && language !== document.documentElement.lang ? ' lang="' + esc(language) + '"' : "";
  }

  /* Where the focus is inside `root`, as a selector that finds the same control after the
   * root's HTML is drawn again (its id, else its data-* attributes), with the caret. */
  function focusMark(root) {
    const active = document.activeElement;
    if (!active || active === root || !root.contains(active)) return null;
    let selector = active.id ? "#" + CSS.escape(active.id) : "";
    if (!selector) {
      const data = Array.from(active.attributes).filter((a) => a.name.indexOf("data-") === 0);
      if (!data.length) return null;
      selector = active.tagName.toLowerCase() + data.map((a) => "[" + a.name + '="' + CSS.escape(a.value) + '"]').join("");
    }
    const caret = typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    return { selector: selector, caret: caret };
  }

  /* Put the focus back where focusMark found it; false when that control is gone. */
  function restoreFocus(root, mark) {
    if (!mark) return false;
    const again = root.querySelector(mark.selector);
    if (!again || again.disabled || again === document.activeElement) return !!again;
    again.focus({ preventScroll: true });
    if (mark.caret && typeof again.setSelectionRange === "function") {
      try { again.setSelectionRange(mark.caret[0], mark.caret[1]); } catch (e) { /* not a text field */ }
    }
    return true;
  }

  window.cocreate = {
    t: t, esc: esc, formatSeconds: formatSeconds, connect: connect, uid: uid, scoreUnit: scoreUnit,
    langAttr: langAttr, focusMark: focusMark, restoreFocus: restoreFocus,
  };
})();
