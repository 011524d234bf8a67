/* The facilitator's screen: controls on top, the projector stage below. */
(function () {
  "use strict";
  const { esc, formatSeconds, scoreUnit } = window.cocreate;
  const controls = document.getElementById("controls");
  const stage = document.getElementById("stage");
  const actions = document.getElementById("actions");
  const errorBox = document.getElementById("action-error");
  const PHASE_NAMES = {
    draft: "Draft", lobby: "Lobby", rounds: "Rounds", consolidation: "Shortlist",
    voting: "Voting", results: "Results", closed: "Closed",
  };
  // The same page serves the laptop's control view and, with ?view=present, the projector's
  // clean presentation; both follow the same snapshots, so two windows stay in sync.
  const presenting = new URLSearchParams(window.location.search).get("view") === "present";
  document.body.classList.toggle("presenting", presenting);
  let snap = null;
  let stageKey = "";
  let peopleOpen = false;  // the People panel stays open across re-renders

  const conn = window.cocreate.connect({
    auth: { code: controls.dataset.code, key: controls.dataset.key },
    onSnapshot: function (s) { snap = s; render(); },
  });

  async function act(event, payload) {
    const ack = await conn.act(event, payload);
    errorBox.hidden = ack.ok;
    errorBox.textContent = ack.ok ? "" : ack.error;
    return ack;
  }

  function button(event, label, style, extra) {
    return '<button data-event="' + event + '" class="' + (style || "") + '"' + (extra || "") + ">" + label + "</button>";
  }

  function renderActions() {
    const s = snap;
    const phase = s.workshop.phase;
    const r = s.round;
    let html = "";
    if (phase === "lobby") {
      html += button("start_round", "Start round 1");
    } else if (phase === "rounds") {
      if (r.running) {
        html += button("extend_round", "+1 minute", "secondary") + button("end_round", "End round " + r.number);
      } else if (!r.last) {
        html += button("start_round", "Start round " + (r.number + 1)) + button("begin_consolidation", "Skip to shortlist", "secondary");
      } else {
        html += button("begin_consolidation", "Make the shortlist");
      }
    } else if (phase === "consolidation") {
      html += button("open_vote", "Open the vote", "", s.challenges.length < 2 ? " disabled" : "");
    } else if (phase === "voting") {
      html += button("close_vote", "Close the vote and reveal");
    } else if (phase === "results") {
      if (s.results && !s.results.withheld) {
        html += downloads();
      }
      html += button("close_workshop", "Close the workshop", "secondary");
    } else if (phase === "closed" && s.results && !s.results.withheld) {
      html += downloads();
    }
    actions.innerHTML = html;
    document.getElementById("phase-label").textContent = PHASE_NAMES[phase] || phase;
  }

  /* Links to every export; the report opens in a tab so it can be printed to PDF. */
  function downloads() {
    const base = controls.dataset.exports;
    const link = (ext, label, attrs) => '<a class="button secondary" id="download-' + ext + '" href="' + esc(base + ext) + '" ' + attrs + ">" + label + "</a>";
    return link("csv", "CSV", "download") + link("xlsx", "Excel", "download") + link("json", "JSON", "download") +
      link("html", "Report (print to PDF)", 'target="_blank" rel="noopener"') +
      '<a class="button secondary" id="ballot-box-link" href="/w/' + encodeURIComponent(controls.dataset.code) + '/ballot-box" target="_blank" rel="noopener">Ballot box</a>';
  }

  actions.addEventListener("click", function (event) {
    const target = event.target.closest("button[data-event]");
    if (target) act(target.dataset.event);
  });

  function tableName(id) {
    const t = snap.tables.find((x) => x.id === id);
    return t ? "Table " + t.number + " — " + t.name : "";
  }

  function roleTag(role) {
    if (role === "host") return '<span class="tag">' + esc(snap.workshop.host_label) + "</span>";
    if (role === "notetaker") return '<span class="tag">' + esc(snap.workshop.notetaker_label) + "</span>";
    return "";
  }

  /* Role, home table and presence of one person: the facilitator's hand on the plan. */
  function personControls(p) {
    const s = snap;
    const roleLabel = (role) => role === "member" ? "member" : role === "host" ? s.workshop.host_label : s.workshop.notetaker_label;
    const roles = ["member", "host", "notetaker"].map((role) =>
      '<option value="' + role + '"' + (p.role === role ? " selected" : "") + ">" + esc(roleLabel(role)) + "</option>").join("");
    const tables = s.tables.map((t) =>
      '<option value="' + t.id + '"' + (p.home_table_id === t.id ? " selected" : "") + ">" + t.number + ". " + esc(t.name) + "</option>").join("");
    return '<li class="person' + (p.present ? "" : " gone") + '"><span class="person-name">' + esc(p.name) + "</span>" +
      ' <select aria-label="Role of ' + esc(p.name) + '" data-role-for="' + p.id + '"' + (p.present ? "" : " disabled") + ">" + roles + "</select>" +
      ' <select aria-label="Home table of ' + esc(p.name) + '" data-home-for="' + p.id + '">' + tables + "</select>" +
      ' <label class="present"><input type="checkbox" data-present-for="' + p.id + '"' + (p.present ? " checked" : "") + "> here</label></li>";
  }

  function peopleByTable() {
    const s = snap;
    if (presenting) {
      return '<div class="tables-grid" id="people-grid">' + s.tables.map(function (t) {
        const people = s.participants.filter((p) => p.home_table_id === t.id && p.present);
        return '<section class="table-card" data-table="' + t.id + '"><h3>' + t.number + ". " + esc(t.name) + "</h3>" +
          (t.topic ? '<p class="topic">' + esc(t.topic) + "</p>" : "") + "<ul>" +
          people.map((p) => "<li>" + esc(p.name) + roleTag(p.role) + "</li>").join("") + "</ul></section>";
      }).join("") + "</div>";
    }
    return '<div class="tables-grid" id="people-grid">' + s.tables.map(function (t) {
      const people = s.participants.filter((p) => p.home_table_id === t.id);
      return '<section class="table-card" data-table="' + t.id + '"><h3>' + t.number + ". " + esc(t.name) + "</h3>" +
        (t.topic ? '<p class="topic">' + esc(t.topic) + "</p>" : "") + "<ul>" + people.map(personControls).join("") + "</ul></section>";
    }).join("") + "</div>";
  }

  function renderLobby() {
    const s = snap;
    return '<div class="lobby"><div class="qr"><img id="join-qr" alt="QR code to join" src="' + esc(controls.dataset.qr) + '"></div>' +
      '<div><h1>' + esc(s.workshop.title) + '</h1><p>Scan the code or open</p><p class="join-url" id="join-url">' + esc(s.workshop.join_url) +
      '</p><p>Join code</p><p class="join-code" id="join-code">' + esc(s.workshop.code) + '</p><p class="count" id="joined-count">' +
      s.participants.length + " joined</p></div></div><h2>Tables</h2>" + peopleByTable();
  }

  function renderRounds() {
    const s = snap;
    const r = s.round;
    let html = '<p class="eyebrow">Round ' + r.number + " of " + r.total + "</p><h1>" + esc(r.title) + "</h1>";
    if (r.running) {
      html += '<div class="countdown" id="countdown" data-deadline="' + r.deadline + '"></div>';
      if (r.prompt) html += '<p class="prompt">' + esc(r.prompt) + "</p>";
    } else {
      html += '<p class="prompt">' + (r.last ? "All rounds are done. Everyone is back home." : "Round " + r.number + " has ended. Move to your next table.") + "</p>";
    }
    if (s.board) {
      html += "<h2>Who goes where" + (r.running ? "" : " in round " + s.board.round_number) + '</h2><div class="tables-grid" id="board">' +
        s.board.tables.map(function (bt) {
          return '<section class="table-card"><h3>' + esc(tableName(bt.id)) + "</h3><ul>" + bt.people.map(function (p) {
            return "<li>" + (p.visiting ? "→ " : "") + esc(p.name) + roleTag(p.role) + "</li>";
          }).join("") + "</ul></section>";
        }).join("") + "</div>";
      if (s.plan_quality) html += '<p class="small" id="plan-quality">Rotation plan: ' + esc(s.plan_quality) + "</p>";
    }
    html += '<h2>The wall</h2><div class="tables-grid" id="wall">' + wall() + "</div>";
    if (!presenting) html += '<details class="people"' + (peopleOpen ? " open" : "") + ' id="people"><summary>People: move, mark as gone, change roles (' +
      snap.participants.filter((p) => p.present).length + " here)</summary>" + peopleByTable() + "</details>";
    return html;
  }

  function fieldLabel(key) {
    const f = snap.workshop.fields.find((x) => x.key === key);
    return f ? f.label : key;
  }

  function wall() {
    return snap.tables.map(function (t) {
      const notes = snap.notes.filter((n) => n.table_id === t.id);
      return '<section class="table-card" data-wall-table="' + t.id + '"><h3>' + esc(t.number + ". " + t.name) + "</h3>" +
        (notes.length ? notes.map(function (n) {
          return '<div class="wall-note"><div class="meta">' + esc(fieldLabel(n.field)) + " · round " + n.round + "</div>" + esc(n.text) + "</div>";
        }).join("") : '<p class="small">No notes yet.</p>') + "</section>";
    }).join("");
  }

  function renderConsolidation() {
    const s = snap;
    if (presenting) {
      return '<h1>Shortlist: ' + s.challenges.length + " of " + s.workshop.shortlist_size + '</h1><ol class="shortlist big" id="shortlist">' +
        s.challenges.map((c) => '<li class="shortlist-item">' + esc(c.text) + "</li>").join("") + "</ol>";
    }
    const listed = new Set(s.challenges.flatMap((c) => c.sources.map((src) => src.note_id)));
    const candidates = s.notes.filter((n) => n.field === s.workshop.challenge_field && !listed.has(n.id));
    const full = s.challenges.length >= s.workshop.shortlist_size;
    const options = s.challenges.map((c, i) => '<option value="' + c.id + '">' + (i + 1) + ". " + esc(c.text.slice(0, 60)) + "</option>").join("");
    let html = '<h1>Shortlist</h1>' + ballotSettings(s.workshop.ballot) + '<div class="consolidation"><section><h2>' + esc(fieldLabel(s.workshop.challenge_field)) + " from the tables (" + candidates.length + ")</h2>";
    html += candidates.map(function (n) {
      return '<div class="candidate" data-note="' + n.id + '"><div class="small">' + esc(tableName(n.table_id)) + " · round " + n.round + "</div><div>" + esc(n.text) + '</div><div class="tools">' +
        '<button data-add-note="' + n.id + '"' + (full ? " disabled" : "") + ">Add to shortlist</button>" +
        (s.challenges.length ? '<select aria-label="Merge into" data-merge-target="' + n.id + '">' + options + '</select><button class="secondary" data-merge-note="' + n.id + '">Merge as duplicate</button>' : "") +
        "</div></div>";
    }).join("") || '<p class="small">No challenge notes left.</p>';
    html += '<form id="add-own" class="stack"><label for="own-text">Add a challenge in your own words</label><input id="own-text" maxlength="300"><button' + (full ? " disabled" : "") + ">Add</button></form>";
    html += '</section><section><h2 id="shortlist-count">Shortlist: ' + s.challenges.length + " of " + s.workshop.shortlist_size + '</h2><ol class="shortlist" id="shortlist">';
    html += s.challenges.map(function (c, i) {
      return '<li class="shortlist-item" data-challenge="' + c.id + '"><label class="visually-hidden" for="edit-' + c.id + '">Wording of challenge ' + (i + 1) + "</label>" +
        '<input id="edit-' + c.id + '" value="' + esc(c.text) + '" maxlength="300"><div class="small">From: ' +
        esc([...new Set(c.sources.map((src) => src.table_name))].join(", ") || "the facilitator") + '</div><div class="tools"><button class="secondary" data-save="' + c.id +
        '">Save wording</button><button class="danger" data-remove="' + c.id + '">Remove</button></div></li>';
    }).join("") + "</ol></section></div>";
    return html;
  }

  function ballotSettings(b) {
    const option = (value, label, current) => '<option value="' + value + '"' + (value === current ? " selected" : "") + ">" + label + "</option>";
    const number = (id, label, value) => '<label for="' + id + '">' + label + '<input type="number" id="' + id + '" min="1" max="100" value="' + value + '"></label>';
    return '<form class="ballot-settings" id="ballot-settings"><label for="ballot-type">Ballot<select id="ballot-type">' +
      option("ranking", "Ranking", b.type) + option("dots", "Dots (spread points)", b.type) + option("approval", "Approval (pick some)", b.type) + "</select></label>" +
      (b.type === "ranking" ? '<label for="ballot-method">Counted by<select id="ballot-method">' + option("borda", "Borda count", b.method) + option("schulze", "Schulze method", b.method) + "</select></label>" : "") +
      (b.type === "dots" ? number("points-budget", "Points each", b.points_budget) + number("points-per-item", "Most on one", b.points_per_item) : "") +
      (b.type === "approval" ? number("approvals-max", "Pick up to", b.approvals_max) : "") +
      '<button class="secondary" type="submit">Save ballot</button></form>';
  }

  stage.addEventListener("click", function (event) {
    const t = event.target;
    if (t.dataset.addNote) act("shortlist_add", { note_id: Number(t.dataset.addNote) });
    else if (t.dataset.mergeNote) {
      const select = stage.querySelector('select[data-merge-target="' + t.dataset.mergeNote + '"]');
      act("shortlist_merge", { note_id: Number(t.dataset.mergeNote), challenge_id: Number(select.value) });
    } else if (t.dataset.save) {
      act("shortlist_edit", { challenge_id: Number(t.dataset.save), text: document.getElementById("edit-" + t.dataset.save).value });
    } else if (t.dataset.remove) act("shortlist_remove", { challenge_id: Number(t.dataset.remove) });
  });
  stage.addEventListener("change", function (event) {
    const t = event.target;
    if (t.dataset.roleFor) act("set_role", { participant_id: Number(t.dataset.roleFor), role: t.value });
    if (t.dataset.homeFor) act("move_home", { participant_id: Number(t.dataset.homeFor), table_id: Number(t.value) });
    if (t.dataset.presentFor) act("set_present", { participant_id: Number(t.dataset.presentFor), present: t.checked });
    if (t.id === "ballot-type") act("set_ballot", { ballot_type: t.value });
  });
  stage.addEventListener("toggle", function (event) {
    if (event.target.id === "people") peopleOpen = event.target.open;
  }, true);

  stage.addEventListener("submit", async function (event) {
    if (event.target.id === "ballot-settings") {
      event.preventDefault();
      const value = (id) => { const node = document.getElementById(id); return node ? Number(node.value) : undefined; };
      const type = document.getElementById("ballot-type").value;
      const method = document.getElementById("ballot-method");
      act("set_ballot", {
        ballot_type: type,
        method: method && type === "ranking" ? method.value : undefined,
        points_budget: value("points-budget"), points_per_item: value("points-per-item"), approvals_max: value("approvals-max"),
      });
      return;
    }
    if (event.target.id !== "add-own") return;
    event.preventDefault();
    const ack = await act("shortlist_add", { text: document.getElementById("own-text").value });
    if (ack.ok) document.getElementById("own-text").value = "";
  });

  function renderVoting() {
    const s = snap;
    return '<h1>Vote on your phone</h1><p class="turnout" id="turnout">' + s.turnout.voted + " of " + s.turnout.eligible + ' have voted</p>' +
      '<ol class="shortlist">' + s.challenges.map((c) => '<li class="shortlist-item">' + esc(c.text) + "</li>").join("") + "</ol>";
  }

  function renderResults() {
    const r = snap.results;
    if (r.withheld) {
      return '<h1>Result</h1><p class="prompt" id="withheld">Only ' + r.ballots + " ballots: at least " + r.min_ballots + " are needed to show a result without exposing anyone's vote.</p>";
    }
    const top = Math.max(1, ...r.rows.map((row) => row.score));
    return '<h1>Result</h1><p class="method">' + esc(r.method_sentence) + " " + r.ballots + " ballots." +
      (r.robustness ? ' <span id="robustness">' + esc(r.robustness) + "</span>" : "") + '</p><ol class="ranking" id="ranking">' +
      r.rows.map(function (row) {
        const width = (100 * row.score / top).toFixed(1);
        return '<li data-rank="' + row.rank + '"><span class="rank">' + row.rank + (row.tied ? "=" : "") + "</span><span>" + esc(row.text) +
          ' <span class="score">' + row.score + " " + scoreUnit(r.method) + (row.tied ? " · tie" : "") + '</span><svg viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true"><rect width="' + width +
          '" height="4" fill="#60a5fa"/></svg><span class="small">' + esc(row.tables.join(", ")) + "</span></span></li>";
      }).join("") + "</ol>";
  }

  function render() {
    if (!snap) return;
    document.body.dataset.phase = snap.workshop.phase;
    renderActions();
    const phase = snap.workshop.phase;
    const html = phase === "lobby" ? renderLobby()
      : phase === "rounds" ? renderRounds()
      : phase === "consolidation" ? renderConsolidation()
      : phase === "voting" ? renderVoting()
      : snap.results ? renderResults() : "<h1>Closed</h1>";
    // Keep a half-typed wording in the shortlist editor when others change things.
    const active = document.activeElement;
    const keep = active && stage.contains(active) && active.id && active.tagName === "INPUT"
      ? { id: active.id, value: active.value, start: active.selectionStart } : null;
    if (html !== stageKey) {
      stage.innerHTML = html;
      stageKey = html;
      if (keep) {
        const again = document.getElementById(keep.id);
        if (again) { again.value = keep.value; again.focus(); again.setSelectionRange(keep.start, keep.start); }
      }
    }
    tick();
  }

  function tick() {
    const node = document.getElementById("countdown");
    if (!node) return;
    const left = conn.secondsLeft(Number(node.dataset.deadline));
    node.textContent = formatSeconds(Math.max(left, 0));
    node.classList.toggle("over", left <= 0);
    if (left <= 0) node.textContent = "Time is up";
  }
  setInterval(tick, 1000);
})();
