/* The participant's phone: where to sit, the table's form, the ballot, the results. */
(function () {
  "use strict";
  const { t, esc, formatSeconds, uid, scoreUnit, langAttr, focusMark, restoreFocus } = window.cocreate;
  const root = document.getElementById("phone");
  const code = root.dataset.code;
  const el = (id) => document.getElementById(id);
  const outboxKey = "cocreate-outbox-" + code;
  const receiptKey = "cocreate-receipt-" + code;

  let snap = null;
  let ballotOrder = null;
  let confirming = false;
  let selectedField = null;
  let roleError = null;  // why volunteering for a role was refused, shown in the lobby

  // A shared tablet at a table connects with its table link instead of a phone's cookie.
  const tablet = root.dataset.table ? { code: code, table: Number(root.dataset.table), key: root.dataset.key } : null;
  const conn = window.cocreate.connect({
    auth: tablet || { code: code },
    onSnapshot: function (s) { snap = s; render(); },
    onConnect: flushOutbox,
  });

  // --- notes, with an outbox so nothing typed on flaky Wi-Fi is lost or sent twice -------
  function outbox() {
    try { return JSON.parse(localStorage.getItem(outboxKey) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) { localStorage.setItem(outboxKey, JSON.stringify(items)); }

  // Notes typed offline go out together when the Wi-Fi returns; past the server's rate limit
  // (a burst, then one a second) they wait in the outbox and go out a moment later.
  let flushing = false;
  const inFlight = new Set();  // client ids being sent now: not shown as waiting
  async function flushOutbox() {
    if (flushing) return;
    flushing = true;
    try {
      for (const item of outbox()) {
        inFlight.add(item.client_id);
        const ack = await conn.act("add_note", item);
        inFlight.delete(item.client_id);
        if (ack.offline) return;
        if (ack.retry_after) { setTimeout(flushOutbox, ack.retry_after * 1000); return; }
        saveOutbox(outbox().filter((i) => i.client_id !== item.client_id));
        if (!ack.ok) showNoteError(ack.error);
        showQueued();
      }
    } finally {
      flushing = false;
      showQueued();
    }
  }

  /* Notes kept on this phone until they are sent: listed as "waiting to send", with a
   * message that goes away once the last of them has gone out. */
  let queuedMessage = null;
  function showQueued(message) {
    const waiting = outbox().filter((i) => !inFlight.has(i.client_id));
    if (message) queuedMessage = message;
    if (!outbox().length) queuedMessage = null;
    const box = el("note-queued");
    box.hidden = !queuedMessage;
    box.textContent = queuedMessage || "";
    const list = el("notes-pending");
    list.hidden = !waiting.length;
    const fields = snap ? snap.workshop.fields : [];
    const label = (key) => (fields.find((f) => f.key === key) || { label: key }).label;
    const html = waiting.map(function (item) {
      return '<div class="note pending"><div class="meta">' + esc(label(item.field)) + ' · <strong>' + t("waiting to send") +
        '</strong></div><div class="text"' + planLang() + ">" + esc(item.text) + "</div></div>";
    }).join("");
    if (list.dataset.html !== html) { list.innerHTML = html; list.dataset.html = html; }
  }

  function showNoteError(message) {
    const box = el("note-error");
    box.hidden = !message;
    box.textContent = message || "";
  }

  // While a note is on its way the button says so with aria-disabled and ignores presses:
  // disabling it would throw the keyboard's focus back to the top of the page.
  let sending = false;
  el("note-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    if (sending) return;
    const text = el("note-text").value;
    const item = { field: selectedField, text: text, client_id: uid() };
    saveOutbox(outbox().concat([item]));
    inFlight.add(item.client_id);
    sending = true;
    el("note-submit").setAttribute("aria-disabled", "true");
    const ack = await conn.act("add_note", item);
    inFlight.delete(item.client_id);
    sending = false;
    el("note-submit").removeAttribute("aria-disabled");
    // Clear only what was sent: the participant may already be typing the next note.
    const clearSent = () => { if (el("note-text").value === text) el("note-text").value = ""; };
    if (ack.offline) {
      clearSent();
      showNoteError("");
      showQueued(t("Saved on this phone; it will be sent when the connection returns."));
      return;
    }
    if (ack.retry_after) {  // too many at once: kept in the outbox, sent in a moment
      el("note-text").value = "";
      showNoteError("");
      showQueued(t("Saved on this phone; it will be sent in a moment."));
      setTimeout(flushOutbox, ack.retry_after * 1000);
      return;
    }
    saveOutbox(outbox().filter((i) => i.client_id !== item.client_id));
    showQueued();
    if (ack.ok) { clearSent(); showNoteError(""); }
    else showNoteError(ack.error);
  });

  let editingNote = null;  // the note being edited keeps its textarea across re-renders

  el("notes-list").addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const noteId = Number(button.dataset.note);
    const action = button.dataset.action;
    if (action === "delete") {
      const ack = await conn.act("delete_note", { note_id: noteId });
      if (!ack.ok) showNoteError(ack.error);
    } else if (action === "edit") {
      const note = snap.notes.find((n) => n.id === noteId);
      editingNote = { id: noteId, text: note ? note.text : "" };
      renderNotes();
      const box = el("edit-" + noteId);
      if (box) box.focus();
    } else if (action === "cancel") {
      editingNote = null;
      renderNotes();
    } else if (action === "save") {
      const text = el("edit-" + noteId).value;
      const ack = await conn.act("edit_note", { note_id: noteId, text: text });
      if (ack.ok) { editingNote = null; showNoteError(""); conn.sync(); }
      else showNoteError(ack.error);
    }
  });
  el("notes-list").addEventListener("input", function (event) {
    if (editingNote && event.target.id === "edit-" + editingNote.id) editingNote.text = event.target.value;
  });

  // --- rendering ---------------------------------------------------------------------------
  function render() {
    if (!snap) return;
    document.body.dataset.phase = snap.workshop.phase;
    document.body.dataset.waiting = snap.waiting ? "yes" : "no";
    if (snap.waiting) { renderWaiting(); return; }
    renderInstruction();
    renderNotes();
    renderBallot();
    renderResults();
  }

  function votingPrompt(ballot) {
    const slip = ballot.voter_codes ? " " + t("You need the voter code from the paper slip you were given.") : "";
    if (ballot.type === "dots") return t("Give your points to the challenges that matter most.") + slip;
    if (ballot.type === "approval") return t("Choose the challenges you support.") + slip;
    return t("Put the challenges in your order, most important first.") + slip;
  }

  /* The plan's texts (and the room's notes) are in the workshop's language, which may not be
   * the screen's: marked up so screen readers switch voice. */
  function planLang() { return snap ? langAttr(snap.workshop.language) : ""; }
  function inPlanLang(text, tag) { return "<" + (tag || "span") + planLang() + ">" + esc(text) + "</" + (tag || "span") + ">"; }

  function tableLine(table) { return t("Table %(number)s — %(name)s", { number: table.number, name: inPlanLang(table.name) }); }

  function renderInstruction() {
    const s = snap;
    const phase = s.workshop.phase;
    const me = s.me;
    const roleText = me.role === "member" ? "" :
      '<p class="sub">' + t("Your role: %(role)s — you stay at your home table.", { role: inPlanLang(me.role_label, "strong") }) + "</p>";
    let html = '<p class="sub">' + inPlanLang(s.workshop.title) + " · " + esc(me.name) + "</p>";
    if (s.view === "tablet") {
      html += '<p class="sub">' + t("This tablet keeps the form of") + '</p><h1 class="where" id="where">' + tableLine(me.home) + "</h1>";
      if (s.round) html += '<p class="sub">' + t("Round %(number)s of %(total)s", { number: s.round.number, total: s.round.total }) + " · " + inPlanLang(s.round.title) +
        (s.round.running ? ' · <span class="timer" aria-live="off" data-deadline="' + s.round.deadline + '"></span>' : "") + "</p>" +
        (s.round.prompt ? '<p class="prompt"' + planLang() + ">" + esc(s.round.prompt) + "</p>" : "");
      setInstruction(html);
      return;
    }
    if (phase === "lobby") {
      html += '<p class="sub">' + t("Your home table") + '</p><h1 class="where" id="where">' + tableLine(me.home) + "</h1>";
      if (me.home.topic) html += '<p class="prompt"' + planLang() + ">" + esc(me.home.topic) + "</p>";
      html += roleText + roleHolders(s);
      if (roleError) html += '<p class="message error" id="role-error">' + esc(roleError) + "</p>";
      if (s.free_roles.length) {
        html += '<div class="role-actions">' + s.free_roles.map(function (r) {
          const label = r === "host" ? s.workshop.host_label : s.workshop.notetaker_label;
          // One span: a button is a flex box, and the role's own span would be a column of its own.
          return '<button class="secondary" data-volunteer="' + r + '"><span>' + t("I will be %(role)s", { role: inPlanLang(label) }) + "</span></button>";
        }).join("") + "</div>";
      }
      html += '<p class="sub">' + t("Wait for the facilitator to start the first round.") + "</p>";
    } else if (phase === "rounds") {
      const r = s.round;
      if (r.running) {
        html += '<p class="sub">' + t("Round %(number)s of %(total)s", { number: r.number, total: r.total }) + " · " + inPlanLang(r.title) + " · " +
          (r.paused_left === null ? '<span class="timer" aria-live="off" data-deadline="' + r.deadline + '"></span>'
            : '<span class="timer">' + t("paused, %(time)s left", { time: formatSeconds(Math.round(r.paused_left)) }) + "</span>") + "</p>";
        html += '<p class="sub">' + (s.seat.at_home ? t("Sit at your home table") : t("Go to")) + '</p>';
        html += '<h1 class="where" id="where">' + tableLine(s.seat) + "</h1>";
        if (r.prompt) html += '<p class="prompt"' + planLang() + ">" + esc(r.prompt) + "</p>";
      } else if (s.next_seat) {
        html += '<p class="sub">' + t("Round %(number)s has ended. Next: round %(next)s", { number: r.number, next: s.next_seat.round_number }) + "</p>";
        html += '<p class="sub">' + (s.next_seat.at_home ? t("Go back to your home table") : t("Go to")) + "</p>";
        html += '<h1 class="where" id="where">' + tableLine(s.next_seat) + "</h1>";
      } else {
        html += '<h1 class="where" id="where">' + t("All rounds are done") + '</h1><p class="sub">' + t("Stay at %(table)s.", { table: tableLine(me.home) }) + "</p>";
      }
      html += roleText;
    } else if (phase === "consolidation") {
      html += '<h1 class="where" id="where">' + t("Choosing the challenges") + '</h1><p class="prompt">' + t("The room is agreeing the shortlist for the vote. Stay at %(table)s.", { table: tableLine(me.home) }) + "</p>";
    } else if (phase === "voting") {
      html += '<h1 class="where" id="where">' + (s.has_voted ? t("Your vote is counted") : t("Time to vote")) + '</h1>';
      html += '<p class="prompt">' + (s.has_voted ? t("Thank you. The result is shown when the vote closes.") : votingPrompt(s.workshop.ballot)) + "</p>";
    } else {
      html += '<h1 class="where" id="where">' + (phase === "closed" ? t("The workshop is closed") : t("The result")) + "</h1>";
    }
    setInstruction(html);
  }

  /* Who holds the table's host and note-taker roles, as pushed to everyone sitting there. */
  function roleHolders(s) {
    const roles = s.table_roles;
    if (!roles) return "";
    const labels = { host: s.workshop.host_label, notetaker: s.workshop.notetaker_label };
    return '<ul class="role-holders" id="role-holders">' + Object.keys(labels).map(function (r) {
      const name = roles[r];
      return "<li>" + (name ? t("%(role)s: %(name)s", { role: inPlanLang(labels[r]), name: "<strong>" + esc(name) + "</strong>" })
        : t("%(role)s: nobody yet", { role: inPlanLang(labels[r]) })) + "</li>";
    }).join("") + "</ul>";
  }

  /* Joined while joining was closed: nothing to do but wait to be let in. The facilitator's
   * Admit brings a push that replaces this screen, no reload needed. */
  function renderWaiting() {
    const s = snap;
    setInstruction('<p class="sub">' + inPlanLang(s.workshop.title) + " · " + esc(s.me.name) + "</p>" +
      '<h1 class="where" id="where">' + t("Waiting for the facilitator") + "</h1>" +
      '<p class="prompt" id="waiting">' + t("You joined after joining closed. The facilitator will let you in; this screen changes by itself when they do.") + "</p>");
    el("notes-panel").hidden = true;
    el("ballot-panel").hidden = true;
    el("results-panel").hidden = true;
  }

  // Re-render the instruction only when it changed, so screen readers announce real news
  // (a new table, a new round) and not every sync.
  function setInstruction(html) {
    const box = el("instruction");
    if (box.dataset.html !== html) {
      const mark = focusMark(box);
      box.innerHTML = html;
      box.dataset.html = html;
      // The volunteer button just pressed is gone: keep the focus on the heading, not the top.
      const where = el("where");
      if (mark && !restoreFocus(box, mark) && where) { where.tabIndex = -1; where.focus({ preventScroll: true }); }
    }
    tick();
  }

  el("instruction").addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-volunteer]");
    if (!button) return;
    const ack = await conn.act("volunteer", { role: button.dataset.volunteer });
    // Refused (someone was quicker): say so on the screen and show the table as it is now.
    roleError = ack.ok ? null : ack.error;
    render();
    if (!ack.ok) conn.sync();
  });

  function renderNotes() {
    const s = snap;
    const open = s.workshop.phase === "rounds" || s.workshop.phase === "consolidation";
    el("notes-panel").hidden = !open;
    if (!open) return;
    const fields = s.workshop.fields;
    if (!selectedField || !fields.some((f) => f.key === selectedField)) selectedField = fields[0].key;
    const choice = el("field-choice");
    if (choice.dataset.fields !== JSON.stringify(fields)) {
      choice.dataset.fields = JSON.stringify(fields);
      choice.innerHTML = fields.map(function (f) {
        return '<label><input type="radio" name="field" value="' + esc(f.key) + '"' +
          (f.key === selectedField ? " checked" : "") + ">" + inPlanLang(f.label) + "</label>";
      }).join("");
      choice.querySelectorAll("input").forEach(function (input) {
        input.addEventListener("change", function () { selectedField = input.value; });
      });
    }
    const label = (key) => (fields.find((f) => f.key === key) || { label: key }).label;
    const between = s.workshop.phase === "rounds" && !s.round.running && s.next_seat;
    const heading = between
      ? t("Finish your notes for %(table)s (round %(number)s)", { table: tableLine(s.seat), number: s.round.number })
      : t("The form of %(table)s", { table: tableLine(s.seat) });
    el("notes-heading").innerHTML = heading;
    if (editingNote && !s.notes.some((n) => n.id === editingNote.id)) editingNote = null;
    // Another person's note redraws the list: the focus stays on the control it was on.
    const list = el("notes-list");
    const mark = focusMark(list);
    list.innerHTML = s.notes.length ? s.notes.map(function (n) {
      const meta = '<div class="meta">' + inPlanLang(label(n.field)) + " · " + t("round %(number)s", { number: n.round }) + "</div>";
      if (editingNote && editingNote.id === n.id) {
        return '<div class="note" data-note-id="' + n.id + '">' + meta + '<label class="visually-hidden" for="edit-' + n.id +
          '">' + t("Edit note") + '</label><textarea id="edit-' + n.id + '" rows="3" maxlength="1000"' + planLang() + ">" + esc(editingNote.text) +
          '</textarea><div class="tools"><button data-action="save" data-note="' + n.id + '">' + t("Save") + "</button>" +
          '<button class="secondary" data-action="cancel" data-note="' + n.id + '">' + t("Cancel") + "</button></div></div>";
      }
      const tools = n.mine ? '<div class="tools"><button class="secondary" data-action="edit" data-note="' + n.id +
        '">' + t("Edit") + '</button><button class="danger" data-action="delete" data-note="' + n.id + '">' + t("Remove") + "</button></div>" : "";
      return '<div class="note" data-note-id="' + n.id + '">' + meta + '<div class="text"' + planLang() + ">" + esc(n.text) + "</div>" + tools + "</div>";
    }).join("") : '<p class="small">' + t("No notes here yet.") + "</p>";
    restoreFocus(list, mark);
    showQueued();
  }

  let dots = null;      // dots ballot: {challengeId: points}
  let approved = null;  // approval ballot: Set of challenge ids
  let voterCode = "";   // typed from the paper slip, kept while the ballot re-renders

  function renderBallot() {
    const s = snap;
    const panel = el("ballot-panel");
    const show = s.workshop.phase === "voting" && s.view !== "tablet";  // a tablet has no vote
    panel.hidden = !show;
    if (!show) return;
    if (s.has_voted) {
      const receipt = localStorage.getItem(receiptKey);
      panel.innerHTML = '<p class="message good" id="ballot-done" tabindex="-1">' + t("Your ballot is counted.") + "</p>" +
        (receipt ? "<p>" + t("Your receipt code:") + ' <span class="receipt" id="receipt">' + esc(receipt) +
          '</span></p><p class="small">' + t("After the vote, find it in the public ballot box to check your ballot was counted as cast. Nobody can link it to you.") + "</p>" : "");
      return;
    }
    const ballot = s.workshop.ballot;
    const ids = s.shortlist.map((c) => c.id);
    const sameList = (list) => list && list.length === ids.length && ids.every((id) => list.includes(id));
    if (!sameList(ballotOrder)) { ballotOrder = ids.slice(); confirming = false; }
    if (!dots || !sameList(Object.keys(dots).map(Number))) dots = Object.fromEntries(ids.map((id) => [id, 0]));
    if (!approved || ![...approved].every((id) => ids.includes(id))) approved = new Set();
    const byId = Object.fromEntries(s.shortlist.map((c) => [c.id, c]));
    let html;
    if (ballot.type === "dots") html = dotsBallot(ballot, byId);
    else if (ballot.type === "approval") html = approvalBallot(ballot, byId);
    else html = rankingBallot(byId);
    if (ballot.voter_codes) html += voterCodeField();
    if (confirming) {
      html += '<div class="confirm" role="alertdialog" aria-labelledby="confirm-text"><p id="confirm-text"><strong>' + t("Cast this ballot?") + "</strong> " + t("You cannot change it afterwards.") + "</p>" +
        '<div class="role-actions"><button id="cast-confirm">' + t("Yes, cast my vote") + '</button> <button class="secondary" id="cast-back">' + t("Back") + "</button></div></div>";
    } else {
      html += '<button id="cast">' + t("Cast my vote") + "</button>";
    }
    html += '<p id="ballot-error" class="message error" role="alert" hidden></p>';
    // A push may re-render the ballot while the code is typed or a button has the focus:
    // the focus (and the caret) stay where they were.
    const mark = focusMark(panel);
    panel.innerHTML = html;
    restoreFocus(panel, mark);
  }

  /* With voter codes on, each ballot needs the one-time code from a paper slip. */
  function voterCodeField() {
    return '<div class="stack voter-code-field"><label for="voter-code">' + t("Voter code from your paper slip") + "</label>" +
      '<input id="voter-code" class="voter-code-input" value="' + esc(voterCode) + '" autocomplete="off" autocapitalize="characters" autocorrect="off" spellcheck="false" maxlength="20" placeholder="ABCD-EFGH" aria-describedby="voter-code-help">' +
      '<p class="small" id="voter-code-help">' + t("The code works once. It is not linked to your name.") + "</p></div>";
  }

  function rankingBallot(byId) {
    const total = ballotOrder.length;
    return '<h2 id="ballot-heading">' + t("Your ranking") + '</h2><p class="small">' + t("Use the arrows, or drag a challenge by its number, to move it up or down. Number 1 is the most important.") + "</p>" +
      '<ol class="ballot" aria-labelledby="ballot-heading">' + ballotOrder.map(function (id, i) {
        const text = esc(byId[id].text);
        // The label says where the challenge stands now, so a screen reader hears the position.
        const where = { challenge: text, position: i + 1, total: total };
        return '<li data-challenge="' + id + '"><span class="pos drag-handle" data-drag="' + i + '" aria-hidden="true" title="' + t("Drag to move") + '"><span class="grip">⋮⋮</span>' + (i + 1) + '</span><span class="text"' + planLang() + ">" + text +
          '</span><span class="moves"><button class="secondary" data-move="up" data-index="' + i + '" aria-label="' + t("Move up from number %(position)s of %(total)s: %(challenge)s", where) + '"' + (i === 0 ? " disabled" : "") +
          '>↑</button><button class="secondary" data-move="down" data-index="' + i + '" aria-label="' + t("Move down from number %(position)s of %(total)s: %(challenge)s", where) + '"' + (i === total - 1 ? " disabled" : "") + ">↓</button></span></li>";
      }).join("") + "</ol>";
  }

  function dotsBallot(ballot, byId) {
    const spent = Object.values(dots).reduce((a, b) => a + b, 0);
    const left = ballot.points_budget - spent;
    return '<h2 id="ballot-heading">' + t("Spread your points") + '</h2><p class="small" id="points-left" aria-live="polite">' +
      t("%(left)s of %(budget)s points left · at most %(most)s on one challenge", { left: left, budget: ballot.points_budget, most: ballot.points_per_item }) + "</p>" +
      '<ul class="ballot" aria-labelledby="ballot-heading">' + ballotOrder.map(function (id) {
        const text = esc(byId[id].text);
        return '<li data-challenge="' + id + '"><span class="pos"><span aria-hidden="true">' + dots[id] + '</span><span class="visually-hidden">' + t("%(points)s points", { points: dots[id] }) + "</span></span>" + '<span class="text"' + planLang() + ">" + text +
          '</span><span class="moves"><button class="secondary" data-dot="add" data-id="' + id + '" aria-label="' + t("One more point: %(challenge)s", { challenge: text }) + '"' +
          (left <= 0 || dots[id] >= ballot.points_per_item ? " disabled" : "") + '>+</button><button class="secondary" data-dot="remove" data-id="' + id +
          '" aria-label="' + t("One point less: %(challenge)s", { challenge: text }) + '"' + (dots[id] <= 0 ? " disabled" : "") + ">−</button></span></li>";
      }).join("") + "</ul>";
  }

  function approvalBallot(ballot, byId) {
    return '<h2 id="ballot-heading">' + t("Choose up to %(most)s", { most: ballot.approvals_max }) + '</h2><p class="small" id="approvals-left" aria-live="polite">' +
      t("%(chosen)s of %(most)s chosen", { chosen: approved.size, most: ballot.approvals_max }) + "</p>" +
      '<ul class="ballot approval" aria-labelledby="ballot-heading">' + ballotOrder.map(function (id) {
        const full = approved.size >= ballot.approvals_max && !approved.has(id);
        return '<li data-challenge="' + id + '"><input type="checkbox" id="approve-' + id + '" data-approve="' + id + '"' + (approved.has(id) ? " checked" : "") +
          (full ? " disabled" : "") + '><label for="approve-' + id + '" class="text"' + planLang() + ">" + esc(byId[id].text) + "</label></li>";
      }).join("") + "</ul>";
  }

  /* Drag to reorder the ranking, by the number at the left of a challenge, with native
   * pointer events (mouse, pen and touch alike; the handle has touch-action: none so the
   * page does not scroll under the finger). The list is not rebuilt while dragging, so the
   * pointer stays captured; the order changes when the finger lifts. The arrows stay for
   * keyboards and screen readers. */
  let drag = null;
  function dropIndex(clientY) {
    let index = 0;
    drag.middles.forEach(function (middle, i) { if (i !== drag.from && clientY + window.scrollY > middle) index += 1; });
    return index;
  }
  el("ballot-panel").addEventListener("pointerdown", function (event) {
    const handle = event.target.closest("[data-drag]");
    if (!handle || event.button > 0 || snap.workshop.ballot.type !== "ranking") return;
    const items = Array.from(el("ballot-panel").querySelectorAll("ol.ballot > li"));
    const from = Number(handle.dataset.drag);
    drag = {
      from: from, pointer: event.pointerId, startY: event.clientY + window.scrollY, items: items,
      middles: items.map(function (li) { const r = li.getBoundingClientRect(); return r.top + window.scrollY + r.height / 2; }),
    };
    handle.setPointerCapture(event.pointerId);
    items[from].classList.add("dragging");
    event.preventDefault();
  });
  el("ballot-panel").addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointer) return;
    const to = dropIndex(event.clientY);
    drag.items[drag.from].style.transform = "translateY(" + (event.clientY + window.scrollY - drag.startY) + "px)";
    drag.items.forEach(function (li, i) {
      li.classList.toggle("drop-before", i !== drag.from && to < drag.from && i === to);
      li.classList.toggle("drop-after", i !== drag.from && to > drag.from && i === to);
    });
  });
  function endDrag(event) {
    if (!drag || event.pointerId !== drag.pointer) return;
    const from = drag.from;
    const to = event.type === "pointerup" ? dropIndex(event.clientY) : from;
    drag = null;
    if (to !== from) { const [id] = ballotOrder.splice(from, 1); ballotOrder.splice(to, 0, id); }
    renderBallot();
    if (to !== from) {
      const moved = snap.shortlist.find((c) => c.id === ballotOrder[to]);
      announce(t("%(challenge)s is now number %(position)s of %(total)s.", { challenge: moved ? moved.text : "", position: to + 1, total: ballotOrder.length }));
    }
  }
  el("ballot-panel").addEventListener("pointerup", endDrag);
  el("ballot-panel").addEventListener("pointercancel", endDrag);

  function ballotChoice() {
    const type = snap.workshop.ballot.type;
    if (type === "dots") return Object.fromEntries(Object.entries(dots).filter(([, n]) => n > 0));
    if (type === "approval") return ballotOrder.filter((id) => approved.has(id));
    return ballotOrder;
  }

  el("ballot-panel").addEventListener("input", function (event) {
    if (event.target.id === "voter-code") voterCode = event.target.value;
  });

  el("ballot-panel").addEventListener("change", function (event) {
    const id = Number(event.target.dataset.approve);
    if (!id) return;
    if (event.target.checked) approved.add(id); else approved.delete(id);
    renderBallot();
    const again = el("approve-" + id);
    if (again) again.focus();
  });

  el("ballot-panel").addEventListener("click", async function (event) {
    const move = event.target.closest("button[data-move]");
    if (move) {
      const i = Number(move.dataset.index);
      const j = move.dataset.move === "up" ? i - 1 : i + 1;
      [ballotOrder[i], ballotOrder[j]] = [ballotOrder[j], ballotOrder[i]];
      renderBallot();
      const again = el("ballot-panel").querySelector('button[data-move="' + move.dataset.move + '"][data-index="' + j + '"]');
      // At the top or the bottom the pressed arrow is disabled: the other one of that item.
      const other = el("ballot-panel").querySelector('button[data-move][data-index="' + j + '"]:not([disabled])');
      if (again && !again.disabled) again.focus(); else if (other) other.focus();
      const moved = snap.shortlist.find((c) => c.id === ballotOrder[j]);
      announce(t("%(challenge)s is now number %(position)s of %(total)s.", { challenge: moved ? moved.text : "", position: j + 1, total: ballotOrder.length }));
      return;
    }
    const dot = event.target.closest("button[data-dot]");
    if (dot) {
      const id = Number(dot.dataset.id);
      dots[id] += dot.dataset.dot === "add" ? 1 : -1;
      renderBallot();
      const again = el("ballot-panel").querySelector('button[data-dot="' + dot.dataset.dot + '"][data-id="' + id + '"]');
      if (again && !again.disabled) again.focus();
      return;
    }
    if (event.target.id === "cast") { confirming = true; renderBallot(); el("cast-confirm").focus(); return; }
    if (event.target.id === "cast-back") { confirming = false; renderBallot(); return; }
    if (event.target.id === "cast-confirm") {
      event.target.disabled = true;
      const payload = { choice: ballotChoice() };
      if (snap.workshop.ballot.voter_codes) payload.voter_code = voterCode;
      const ack = await conn.act("cast_ballot", payload);
      if (ack.ok) {
        voterCode = "";
        if (ack.receipt) localStorage.setItem(receiptKey, ack.receipt);
        snap.has_voted = true;
        confirming = false;
        render();
        el("ballot-done").focus();  // the pressed button is gone: the focus lands on what happened
      } else {
        event.target.disabled = false;
        event.target.focus();  // disabled while sending, which dropped the focus
        const box = el("ballot-error");
        box.hidden = false;
        box.textContent = ack.error;
      }
    }
  });

  function renderResults() {
    const s = snap;
    const panel = el("results-panel");
    const r = s.results;
    panel.hidden = !r;
    if (!r) return;
    if (r.withheld) {
      panel.innerHTML = "<p>" + t("Too few ballots (%(ballots)s) to show a result; at least %(minimum)s are needed.", { ballots: r.ballots, minimum: r.min_ballots }) + "</p>";
      return;
    }
    const top = Math.max(1, ...r.rows.map((row) => row.score));
    panel.innerHTML = "<h2>" + t("Ranking") + '</h2><ol class="results-list">' + r.rows.map(function (row) {
      return '<li><strong>' + row.rank + (row.tied ? " (" + t("tie") + ")" : "") + ".</strong> " + inPlanLang(row.text) +
        ' <span class="small">' + row.score + " " + scoreUnit(r.method, row.score) + '</span><div class="bar" style="width:' + (100 * row.score / top) + '%"></div></li>';
    }).join("") + '</ol><p class="small">' + esc(r.method_sentence) + "</p>" + resultsReceipt() + '<p><a href="/w/' + encodeURIComponent(code) +
      '/ballot-box" id="ballot-box-link">' + t("Check your ballot in the ballot box") + "</a></p>";
  }

  /* The receipt this phone got when it voted, kept in its storage: the code to look for in
   * the ballot box once the results are out. */
  function resultsReceipt() {
    const receipt = localStorage.getItem(receiptKey);
    if (!receipt) return "";
    return '<p id="results-receipt">' + t("Your receipt code:") + ' <span class="receipt" id="receipt">' + esc(receipt) + "</span></p>";
  }

  let buzzedDeadline = null;

  /* Say something once to a screen reader through the page's polite live region; emptied
   * first so the same words said twice are heard twice. */
  function announce(text) {
    const box = el("announce");
    box.textContent = "";
    setTimeout(function () { box.textContent = text; }, 50);
  }

  function tick() {
    let over = false;
    document.querySelectorAll(".timer[data-deadline]").forEach(function (node) {
      const left = conn.secondsLeft(Number(node.dataset.deadline));
      node.textContent = left > 0 ? t("%(time)s left", { time: formatSeconds(left) }) : t("time is up");
      if (left <= 0) {
        over = true;
        // One short buzz when the time runs out, where the phone can vibrate, and said once
        // to a screen reader (the countdown itself is not read aloud every second).
        if (buzzedDeadline !== node.dataset.deadline) {
          if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
          announce(t("Time is up for this round."));
        }
        buzzedDeadline = node.dataset.deadline;
      }
    });
    document.body.classList.toggle("round-over", over);
  }
  setInterval(tick, 1000);
})();
