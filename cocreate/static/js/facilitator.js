/* The facilitator's screen: controls on top, the projector stage below. */
(function () {
  "use strict";
  const { t, esc, formatSeconds, scoreUnit } = window.cocreate;
  const controls = document.getElementById("controls");
  const stage = document.getElementById("stage");
  const actions = document.getElementById("actions");
  const errorBox = document.getElementById("action-error");
  const PHASE_NAMES = {
    draft: t("Draft"), lobby: t("Lobby"), rounds: t("Rounds"), consolidation: t("Shortlist"),
    voting: t("Voting"), results: t("Results"), closed: t("Closed"),
  };
  // The same page serves the laptop's control view and, with ?view=present, the projector's
  // clean presentation; both follow the same snapshots, so two windows stay in sync.
  const presenting = new URLSearchParams(window.location.search).get("view") === "present";
  document.body.classList.toggle("presenting", presenting);
  let snap = null;
  let stageKey = "";
  let peopleOpen = false;  // the People panel stays open across re-renders
  // Tablet links made on this screen, by table id: the server sends a link's address only in
  // the answer to the one screen that made it (it keeps no copy), so it is shown here only.
  const madeTabletLinks = {};
  // With many tables the projector pages through the board, a few tables at a time.
  const BOARD_PAGE_SIZE = 8;
  const BOARD_PAGE_SECONDS = 10;
  let boardPage = 0;
  let boardFit = BOARD_PAGE_SIZE;  // fewer tables a page when a page does not fit the screen
  setInterval(function () { boardPage += 1; if (presenting && snap && snap.board) render(); }, BOARD_PAGE_SECONDS * 1000);

  const conn = window.cocreate.connect({
    auth: { code: controls.dataset.code, key: controls.dataset.key },
    onSnapshot: function (s) {
      // A new round or a break: the board gets a fresh try at fitting more tables a page.
      if (!snap || !snap.round || !s.round || s.round.number !== snap.round.number || s.round.running !== snap.round.running) boardFit = BOARD_PAGE_SIZE;
      snap = s;
      render();
    },
    offlineText: t("Reconnecting…"),  // the room reads it: short, nothing about typing
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
      html += button("start_round", t("Start round %(number)s", { number: 1 }));
    } else if (phase === "rounds") {
      if (r.running) {
        html += button("extend_round", t("+1 minute"), "secondary") +
          (r.paused_left === null ? button("pause_round", t("Pause"), "secondary") : button("resume_round", t("Resume"))) +
          button("end_round", t("End round %(number)s", { number: r.number }));
      } else if (!r.last) {
        // Between rounds the next seating may still be being worked out (after a late joiner).
        html += button("start_round", t("Start round %(number)s", { number: r.number + 1 }), "", s.planning ? " disabled" : "") +
          button("begin_consolidation", t("Skip to shortlist"), "secondary") +
          (s.planning ? '<p class="small" id="planning-note">' + t("Working out the seating for the next round…") + "</p>" : "");
      } else {
        html += button("begin_consolidation", t("Make the shortlist"));
      }
    } else if (phase === "consolidation") {
      html += button("open_vote", t("Open the vote"), "", s.challenges.length < 2 ? " disabled" : "");
    } else if (phase === "voting") {
      html += button("close_vote", t("Close the vote and reveal"));
    } else if (phase === "results") {
      if (s.results && !s.results.withheld) {
        html += downloads();
      }
      html += button("close_workshop", t("Close the workshop"), "secondary");
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
      link("html", t("Report (print to PDF)"), 'target="_blank" rel="noopener"') +
      '<a class="button secondary" id="ballot-box-link" href="/w/' + encodeURIComponent(controls.dataset.code) + '/ballot-box" target="_blank" rel="noopener">' + t("Ballot box") + "</a>";
  }

  actions.addEventListener("click", function (event) {
    const target = event.target.closest("button[data-event]");
    if (target) act(target.dataset.event);
  });

  // Joining open or closed is one event with a flag; the buttons name what they do.
  const JOINING = { open_joining: true, close_joining: false };

  function tableName(id) {
    const table = snap.tables.find((x) => x.id === id);
    return table ? t("Table %(number)s — %(name)s", { number: table.number, name: table.name }) : "";
  }

  function roleTag(role) {
    if (role === "host") return '<span class="tag">' + esc(snap.workshop.host_label) + "</span>";
    if (role === "notetaker") return '<span class="tag">' + esc(snap.workshop.notetaker_label) + "</span>";
    return "";
  }

  /* Who joined late and who waits to be admitted, next to the name. */
  function accessTags(p) {
    return (p.waiting ? '<span class="tag waiting">' + t("waiting") + "</span>" : "") +
      (p.late ? '<span class="tag late">' + t("joined late") + "</span>" : "");
  }

  function admitButton(p) {
    return p.waiting ? ' <button data-admit="' + p.id + '" aria-label="' + t("Admit %(name)s", { name: esc(p.name) }) + '">' + t("Admit") + "</button>" : "";
  }

  /*
   * Who may take part, at the top of the control view until the vote closes: whether joining
   * is open, and everyone waiting to be admitted, each with an Admit button.
   */
  function accessPanel() {
    const s = snap;
    if (["lobby", "rounds", "consolidation", "voting"].indexOf(s.workshop.phase) < 0) return "";
    const waiting = s.participants.filter((p) => p.waiting && p.present);
    const state = s.joining_open
      ? t("Joining is open: newcomers take part at once.")
      : t("Joining is closed: newcomers wait until you admit them.");
    let html = '<section class="access" id="access" aria-labelledby="access-state"><p id="access-state"><strong>' + state + "</strong> " +
      button(s.joining_open ? "close_joining" : "open_joining", s.joining_open ? t("Close joining") : t("Reopen joining"), "secondary") + "</p>";
    if (waiting.length) {
      html += '<h2 id="waiting-heading">' + t("Waiting to be admitted (%(count)s)", { count: waiting.length }) + '</h2><ul class="waiting-list" id="waiting-list" aria-labelledby="waiting-heading">' +
        waiting.map(function (p) {
          return '<li class="person" data-waiting="' + p.id + '"><span class="person-name">' + esc(p.name) + "</span>" + accessTags(p) + admitButton(p) +
            ' <button class="secondary" data-dismiss="' + p.id + '" aria-label="' + t("Not here: %(name)s", { name: esc(p.name) }) + '">' + t("Not here") + "</button></li>";
        }).join("") + "</ul>";
    }
    return html + "</section>";
  }

  /* After the rounds: presence and admission only (roles and homes are settled). */
  function presenceControls(p) {
    return '<li class="person' + (p.present ? "" : " gone") + '"><span class="person-name">' + esc(p.name) + "</span>" + accessTags(p) +
      ' <label class="present"><input type="checkbox" id="present-' + p.id + '" data-present-for="' + p.id + '"' + (p.present ? " checked" : "") + "> " + t("here") + "</label>" + admitButton(p) + "</li>";
  }

  function peoplePanel() {
    const taking = snap.participants.filter((p) => p.present && !p.waiting).length;
    return '<details class="people"' + (peopleOpen ? " open" : "") + ' id="people"><summary>' +
      t("People: mark as gone or here, admit latecomers (%(count)s take part)", { count: taking }) + '</summary><ul class="people-list">' +
      snap.participants.map(presenceControls).join("") + "</ul></details>";
  }

  /* Role, home table and presence of one person: the facilitator's hand on the plan. */
  function personControls(p) {
    const s = snap;
    const roleLabel = (role) => role === "member" ? t("Member") : role === "host" ? s.workshop.host_label : s.workshop.notetaker_label;
    const roles = ["member", "host", "notetaker"].map((role) =>
      '<option value="' + role + '"' + (p.role === role ? " selected" : "") + ">" + esc(roleLabel(role)) + "</option>").join("");
    const tables = s.tables.map((table) =>
      '<option value="' + table.id + '"' + (p.home_table_id === table.id ? " selected" : "") + ">" + table.number + ". " + esc(table.name) + "</option>").join("");
    return '<li class="person' + (p.present ? "" : " gone") + '"><span class="person-name">' + esc(p.name) + "</span>" + accessTags(p) +
      ' <select id="role-' + p.id + '" aria-label="' + t("Role of %(name)s", { name: esc(p.name) }) + '" data-role-for="' + p.id + '"' + (p.present ? "" : " disabled") + ">" + roles + "</select>" +
      ' <select id="home-' + p.id + '" aria-label="' + t("Home table of %(name)s", { name: esc(p.name) }) + '" data-home-for="' + p.id + '">' + tables + "</select>" +
      ' <label class="present"><input type="checkbox" id="present-' + p.id + '" data-present-for="' + p.id + '"' + (p.present ? " checked" : "") + "> " + t("here") + "</label>" + admitButton(p) + "</li>";
  }

  function peopleByTable() {
    const s = snap;
    if (presenting) {
      return '<div class="tables-grid" id="people-grid">' + s.tables.map(function (table) {
        const people = s.participants.filter((p) => p.home_table_id === table.id && p.present && !p.waiting);
        return '<section class="table-card" data-table="' + table.id + '"><h3>' + table.number + ". " + esc(table.name) + "</h3>" +
          (table.topic ? '<p class="topic">' + esc(table.topic) + "</p>" : "") + "<ul>" +
          people.map((p) => "<li>" + esc(p.name) + roleTag(p.role) + "</li>").join("") + "</ul></section>";
      }).join("") + "</div>";
    }
    return '<div class="tables-grid" id="people-grid">' + s.tables.map(function (table) {
      const people = s.participants.filter((p) => p.home_table_id === table.id);
      return '<section class="table-card" data-table="' + table.id + '"><h3>' + table.number + ". " + esc(table.name) + "</h3>" +
        (table.topic ? '<p class="topic">' + esc(table.topic) + "</p>" : "") + missingRoles(table) + "<ul>" + people.map(personControls).join("") + "</ul>" +
        tabletControls(table) + "</section>";
    }).join("") + "</div>";
  }

  /* In the lobby: a table without a host or note-taker yet, before round 1 picks them silently. */
  function missingRoles(table) {
    if (snap.workshop.phase !== "lobby") return "";
    const missing = [table.host ? "" : snap.workshop.host_label, table.notetaker ? "" : snap.workshop.notetaker_label].filter(Boolean);
    if (!missing.length) return "";
    return '<p class="role-warning" data-missing-roles="' + table.id + '">' +
      t("Not chosen yet: %(roles)s. When round 1 starts, the first to join this table get these roles.", { roles: esc(missing.join(", ")) }) + "</p>";
  }

  /* A table's shared tablet: make its link (shown once), replace it, or revoke it. */
  function tabletControls(table) {
    let made = madeTabletLinks[table.id];
    // A state newer than the link naming another (or none): it was replaced or revoked.
    if (made && table.tablet_link !== made.id && snap.v > made.v) { delete madeTabletLinks[table.id]; made = undefined; }
    if (!table.tablet_link && !made) {
      return '<p class="small tablet-tools"><button type="button" class="secondary" data-tablet-create="' + table.id + '">' + t("Make a tablet link") + "</button></p>";
    }
    return '<div class="small tablet-tools">' +
      (made
        ? "<p>" + t("Open this link on the table's tablet. It is shown only once:") + '</p><p><a class="tablet-link" href="' + esc(made.url) + '" target="_blank" rel="noopener">' + esc(made.url) + "</a></p>"
        : "<p>" + t("This table has a tablet link.") + "</p>") +
      '<p><button type="button" class="secondary" data-tablet-create="' + table.id + '">' + t("New tablet link") + "</button> " +
      '<button type="button" class="danger" data-tablet-revoke="' + table.id + '">' + t("Revoke the tablet link") + "</button></p></div>";
  }

  function renderLobby() {
    const s = snap;
    return '<div class="lobby"><div class="qr"><img id="join-qr" alt="' + t("QR code to join") + '" src="' + esc(controls.dataset.qr) + '"></div>' +
      '<div><h1>' + esc(s.workshop.title) + '</h1><p>' + t("Scan the code or open") + '</p><p class="join-url" id="join-url">' + esc(s.workshop.join_url) +
      '</p><p>' + t("Join code") + '</p><p class="join-code" id="join-code">' + esc(s.workshop.code) + '</p><p class="count" id="joined-count">' +
      t("%(count)s joined", { count: s.participants.length }) + "</p></div></div><h2>" + t("Tables") + "</h2>" + peopleByTable();
  }

  function renderRounds() {
    const s = snap;
    const r = s.round;
    // One head: on the projector the countdown stands beside the title and prompt.
    let html = '<div class="round-head"><p class="eyebrow">' + t("Round %(number)s of %(total)s", { number: r.number, total: r.total }) + "</p><h1>" + esc(r.title) + "</h1>";
    if (r.running) {
      html += r.paused_left === null
        ? '<div class="countdown" id="countdown" data-deadline="' + r.deadline + '"></div>'
        : '<div class="countdown paused" id="countdown" data-paused="' + Math.round(r.paused_left) + '">' +
          t("Paused at %(time)s", { time: formatSeconds(Math.round(r.paused_left)) }) + "</div>";
      if (r.prompt) html += '<p class="prompt">' + esc(r.prompt) + "</p>";
    } else {
      html += '<p class="prompt">' + (r.last ? t("All rounds are done. Everyone is back home.") : t("Round %(number)s has ended. Move to your next table.", { number: r.number })) + "</p>";
    }
    html += "</div>";
    if (s.board) {
      const size = Math.min(BOARD_PAGE_SIZE, boardFit);
      const pages = Math.ceil(s.board.tables.length / size);
      const page = presenting && pages > 1 ? boardPage % pages : 0;
      const shown = presenting ? s.board.tables.slice(page * size, (page + 1) * size) : s.board.tables;
      html += "<h2>" + (r.running ? t("Who goes where") : t("Who goes where in round %(number)s", { number: s.board.round_number })) +
        (presenting && pages > 1 ? ' <span class="board-page">' + t("page %(page)s of %(pages)s", { page: page + 1, pages: pages }) + "</span>" : "") +
        '</h2><div class="tables-grid" id="board">' +
        shown.map(function (bt) {
          return '<section class="table-card"><h3>' + esc(tableName(bt.id)) + "</h3><ul>" + bt.people.map(function (p) {
            return "<li>" + (p.visiting ? "→ " : "") + esc(p.name) + roleTag(p.role) + "</li>";
          }).join("") + "</ul></section>";
        }).join("") + "</div>";
      // Large enough to notice: the facilitator decides by it whether to move people by hand.
      if (s.plan_quality && !presenting) html += '<p class="plan-quality" id="plan-quality"><strong>' + t("Seating plan") + "</strong> " + esc(s.plan_quality) + "</p>";
    }
    html += '<section id="wall-section"><h2>' + t("The wall") + '</h2><div class="tables-grid" id="wall">' + wall() + "</div></section>";
    if (!presenting) html += '<details class="people"' + (peopleOpen ? " open" : "") + ' id="people"><summary>' +
      t("People: move, mark as gone, change roles (%(count)s here)", { count: snap.participants.filter((p) => p.present).length }) + "</summary>" + peopleByTable() + "</details>";
    return html;
  }

  function fieldLabel(key) {
    const f = snap.workshop.fields.find((x) => x.key === key);
    return f ? f.label : key;
  }

  // The projector shows each table's newest notes; the control view shows them all.
  const WALL_NOTES_ON_PROJECTOR = 3;

  function earlierNotes(count) {
    return count ? t("and %(count)s earlier notes", { count: count }) : "";
  }

  function wall() {
    return snap.tables.map(function (table) {
      const all = snap.notes.filter((n) => n.table_id === table.id);
      const notes = presenting ? all.slice(-WALL_NOTES_ON_PROJECTOR) : all;
      const older = all.length - notes.length;
      // On the projector the board above names each table in full: here its number will do.
      const heading = presenting ? t("Table %(number)s", { number: table.number }) : esc(table.number + ". " + table.name);
      return '<section class="table-card" data-wall-table="' + table.id + '"><h3>' + heading + "</h3>" +
        (notes.length ? notes.map(function (n) {
          return '<div class="wall-note"><div class="meta">' + esc(fieldLabel(n.field)) + " · " + t("round %(number)s", { number: n.round }) + "</div>" + esc(n.text) + "</div>";
        }).join("") + '<p class="small wall-earlier" data-earlier="' + older + '">' + earlierNotes(older) + "</p>"
          : '<p class="small">' + t("No notes yet.") + "</p>") + "</section>";
    }).join("");
  }

  /* "These 3 notes look alike: merge?": groups found on the server (cocreate.workshop.similarity). */
  function lookAlike(groups, full) {
    if (!groups.length) return "";
    const byId = new Map(snap.notes.map((n) => [n.id, n]));
    return '<section class="look-alike" id="look-alike" aria-labelledby="look-alike-heading"><h3 id="look-alike-heading">' + t("Possible duplicates") + "</h3>" +
      groups.map(function (ids) {
        const notes = ids.map((id) => byId.get(id)).filter(Boolean);
        return '<div class="alike-group" data-alike="' + ids.join(",") + '"><p>' + t("These %(count)s notes look alike: merge?", { count: notes.length }) + "</p><ul>" +
          notes.map((n) => "<li>" + esc(n.text) + ' <span class="small">' + esc(tableName(n.table_id)) + "</span></li>").join("") + "</ul>" +
          '<button data-add-alike="' + ids.join(",") + '"' + (full ? " disabled" : "") + ">" + t("Add as one shortlist item") + "</button></div>";
      }).join("") + "</section>";
  }

  // What the facilitator searches the notes for; kept across redraws.
  let searchTerm = "";
  const folded = (text) => text.normalize("NFC").toLocaleLowerCase();

  /* Hide the notes (and tables) the search does not match, without redrawing the stage. */
  function applySearch() {
    const box = document.getElementById("candidate-search");
    if (!box) return;
    const words = folded(searchTerm).split(" ").filter(Boolean);
    const all = stage.querySelectorAll(".candidate");
    let shown = 0;
    all.forEach(function (node) {
      const text = folded(node.querySelector(".text").textContent);
      const match = words.every((w) => text.indexOf(w) >= 0);
      node.hidden = !match;
      if (match) shown += 1;
    });
    stage.querySelectorAll(".candidate-table").forEach(function (section) {
      section.hidden = !section.querySelector(".candidate:not([hidden])");
    });
    document.getElementById("search-count").textContent = words.length
      ? t("%(shown)s of %(count)s notes match.", { shown: shown, count: all.length }) : "";
  }

  /*
   * A projector cannot scroll: after drawing, the wall gives up its oldest notes (a note is
   * shown whole or not at all, the card counting the rest) until the stage fits the screen;
   * if the board alone is too tall, it is paged a few tables at a time.
   */
  function fitProjector() {
    if (!presenting || snap.workshop.phase !== "rounds") return;
    const tooTall = () => document.documentElement.scrollHeight > window.innerHeight;
    const cards = [...stage.querySelectorAll("#wall [data-wall-table]")];
    while (tooTall()) {
      let card = null;
      let most = 0;
      for (const c of cards) {
        const shown = c.querySelectorAll(".wall-note").length;
        if (shown > most) { most = shown; card = c; }
      }
      if (!card) break;
      card.querySelector(".wall-note").remove();
      const earlier = card.querySelector(".wall-earlier");
      earlier.dataset.earlier = Number(earlier.dataset.earlier) + 1;
      earlier.textContent = earlierNotes(Number(earlier.dataset.earlier));
    }
    const wallSection = document.getElementById("wall-section");
    if (tooTall() && wallSection) wallSection.hidden = true;  // "who goes where" comes first
    const board = document.getElementById("board");
    const onBoard = board ? board.children.length : 0;
    if (tooTall() && onBoard > 1) {
      boardFit = onBoard - 1;
      stageKey = "";
      render();
    }
  }

  function renderConsolidation() {
    const s = snap;
    if (presenting) {
      return "<h1>" + t("Shortlist: %(count)s of %(size)s", { count: s.challenges.length, size: s.workshop.shortlist_size }) + '</h1><ol class="shortlist big" id="shortlist">' +
        s.challenges.map((c) => '<li class="shortlist-item">' + esc(c.text) + "</li>").join("") + "</ol>";
    }
    const listed = new Set(s.challenges.flatMap((c) => c.sources.map((src) => src.note_id)));
    const candidates = s.notes.filter((n) => n.field === s.workshop.challenge_field && !listed.has(n.id));
    const full = s.challenges.length >= s.workshop.shortlist_size;
    const alike = s.look_alike || { groups: [], merge_into: {} };
    // Full texts: the facilitator must tell apart items that begin alike.
    const options = (noteId) => s.challenges.map((c, i) => '<option value="' + c.id + '"' +
      (alike.merge_into[noteId] === c.id ? " selected" : "") + ">" + (i + 1) + ". " + esc(c.text) + "</option>").join("");
    let html = "<h1>" + t("Shortlist") + "</h1>" + ballotSettings(s.workshop.ballot) + voterCodes() + peoplePanel() + '<div class="consolidation"><section><h2 id="candidates-heading" tabindex="-1">' +
      t("%(field)s from the tables (%(count)s)", { field: esc(fieldLabel(s.workshop.challenge_field)), count: candidates.length }) + "</h2>";
    if (candidates.length) {
      html += '<div class="candidate-search"><label for="candidate-search">' + t("Search the notes") + '</label><input type="search" id="candidate-search" value="' + esc(searchTerm) +
        '" autocomplete="off"><p class="small" id="search-count" aria-live="polite"></p></div>';
    }
    html += lookAlike(alike.groups, full);
    const candidate = function (n) {
      const hint = alike.merge_into[n.id];
      const number = s.challenges.findIndex((c) => c.id === hint) + 1;
      return '<div class="candidate" data-note="' + n.id + '"><p><span class="text">' + esc(n.text) + '</span> <span class="small">' + t("round %(number)s", { number: n.round }) + "</span></p>" +
        (number ? '<p class="small look-alike-hint">' + t("Looks like shortlist item %(number)s.", { number: number }) + "</p>" : "") + '<div class="tools">' +
        '<button data-add-note="' + n.id + '"' + (full ? " disabled" : "") + ">" + t("Add to shortlist") + "</button>" +
        (s.challenges.length ? '<select aria-label="' + t("Merge into") + '" data-merge-target="' + n.id + '">' + options(n.id) + '</select><button class="secondary" data-merge-note="' + n.id + '">' + t("Merge as duplicate") + "</button>" : "") +
        "</div></div>";
    };
    // Grouped by table, in table order, so the facilitator can work through one table at a time.
    html += s.tables.map(function (table) {
      const here = candidates.filter((n) => n.table_id === table.id);
      if (!here.length) return "";
      return '<section class="candidate-table" data-candidate-table="' + table.id + '" aria-labelledby="candidates-' + table.id + '"><h3 id="candidates-' + table.id + '">' +
        esc(tableName(table.id)) + ' <span class="note-count">(' + here.length + ")</span></h3>" + here.map(candidate).join("") + "</section>";
    }).join("") || '<p class="small">' + t("No challenge notes left.") + "</p>";
    html += '<form id="add-own" class="stack"><label for="own-text">' + t("Add a challenge in your own words") + '</label><input id="own-text" maxlength="300"><button' + (full ? " disabled" : "") + ">" + t("Add") + "</button></form>";
    html += '</section><section><h2 id="shortlist-count">' + t("Shortlist: %(count)s of %(size)s", { count: s.challenges.length, size: s.workshop.shortlist_size }) + "</h2>" + '<ol class="shortlist" id="shortlist">';
    html += s.challenges.map(function (c, i) {
      return '<li class="shortlist-item" data-challenge="' + c.id + '"><label class="visually-hidden" for="edit-' + c.id + '">' + t("Wording of challenge %(number)s", { number: i + 1 }) + "</label>" +
        '<input id="edit-' + c.id + '" value="' + esc(c.text) + '" maxlength="300"><div class="small">' +
        t("From: %(tables)s", { tables: esc(sourceTables(c)) }) + "</div>" + '<div class="tools"><button class="secondary" data-save="' + c.id +
        '">' + t("Save wording") + '</button><button class="danger" data-remove="' + c.id + '">' + t("Remove") + "</button></div></li>";
    }).join("") + "</ol></section></div>";
    return html;
  }

  function sourceTables(challenge) {
    const names = [...new Set(challenge.sources.map((src) => src.table_name))];
    return names.length ? names.join(", ") : t("the facilitator");
  }

  function ballotSettings(b) {
    const option = (value, label, current) => '<option value="' + value + '"' + (value === current ? " selected" : "") + ">" + label + "</option>";
    const number = (id, label, value) => '<label for="' + id + '">' + label + '<input type="number" id="' + id + '" min="1" max="100" value="' + value + '"></label>';
    return '<form class="ballot-settings" id="ballot-settings"><label for="ballot-type">' + t("Ballot") + '<select id="ballot-type">' +
      option("ranking", t("Ranking"), b.type) + option("dots", t("Dots (spread points)"), b.type) + option("approval", t("Approval (pick some)"), b.type) + "</select></label>" +
      (b.type === "ranking" ? '<label for="ballot-method">' + t("Counted by") + '<select id="ballot-method">' + option("borda", t("Borda count"), b.method) + option("schulze", t("Schulze method"), b.method) + "</select></label>" : "") +
      (b.type === "dots" ? number("points-budget", t("Points each"), b.points_budget) + number("points-per-item", t("Most on one"), b.points_per_item) : "") +
      (b.type === "approval" ? number("approvals-max", t("Pick up to"), b.approvals_max) : "") +
      '<button class="secondary" type="submit">' + t("Save ballot") + "</button></form>";
  }

  /* One person, one ballot: the switch (before the vote opens) and the printed slips. */
  function voterCodes() {
    const s = snap;
    const on = s.workshop.ballot.voter_codes;
    let html = '<section class="voter-codes" id="voter-codes" aria-labelledby="voter-codes-heading"><h2 id="voter-codes-heading">' + t("Voter codes") + "</h2>";
    if (s.workshop.phase === "consolidation") {
      html += '<label class="check"><input type="checkbox" id="voter-codes-toggle"' + (on ? " checked" : "") + "> " + t("One ballot per printed voter code") + "</label>" +
        '<p class="small">' + t("Each person gets a paper slip with a one-time code and types it with their ballot, so nobody can vote twice by joining twice. Otherwise each joined phone has one ballot.") + "</p>";
    }
    if (on && s.voter_codes) {
      const used = s.turnout && s.turnout.codes_used !== null && s.turnout.codes_used !== undefined
        ? t("%(printed)s printed, %(used)s used", { printed: s.voter_codes.printed, used: s.turnout.codes_used })
        : t("%(printed)s printed", { printed: s.voter_codes.printed });
      const csrf = controls.dataset.csrf ? '<input type="hidden" name="csrf_token" value="' + esc(controls.dataset.csrf) + '">' : "";
      html += '<p id="voter-codes-count">' + used + "</p>" +
        '<form class="ballot-settings" id="print-voter-codes" method="post" target="_blank" action="' + esc(controls.dataset.voterCodes) + '">' + csrf +
        '<label for="voter-code-count">' + t("Slips to print") + '<input type="number" id="voter-code-count" name="count" min="1" max="1000" value="' + s.voter_codes.suggested + '"></label>' +
        '<button type="submit" id="print-voter-codes-button">' + t("Print voter codes") + "</button></form>" +
        '<p class="small">' + t("Suggested: everyone here and a few more. Every printing makes new codes; codes printed before stay valid.") + "</p>";
    }
    return html + "</section>";
  }

  stage.addEventListener("click", async function (event) {
    const target = event.target;
    if (target.dataset.tabletCreate) {
      const ack = await act("create_tablet_link", { table_id: Number(target.dataset.tabletCreate) });
      if (ack.ok) { madeTabletLinks[ack.table_id] = { id: ack.link_id, url: window.location.origin + ack.path, v: snap.v }; render(); }
    } else if (target.dataset.tabletRevoke) {
      const id = Number(target.dataset.tabletRevoke);
      const ack = await act("revoke_tablet_link", { table_id: id });
      if (ack.ok) { delete madeTabletLinks[id]; render(); }
    } else if (target.dataset.event in JOINING) act("set_joining", { open: JOINING[target.dataset.event] });
    else if (target.dataset.admit) act("admit", { participant_id: Number(target.dataset.admit) });
    else if (target.dataset.dismiss) act("set_present", { participant_id: Number(target.dataset.dismiss), present: false });
    else if (target.dataset.addNote) act("shortlist_add", { note_id: Number(target.dataset.addNote) });
    else if (target.dataset.addAlike) act("shortlist_add_alike", { note_ids: target.dataset.addAlike.split(",").map(Number) });
    else if (target.dataset.mergeNote) {
      const select = stage.querySelector('select[data-merge-target="' + target.dataset.mergeNote + '"]');
      act("shortlist_merge", { note_id: Number(target.dataset.mergeNote), challenge_id: Number(select.value) });
    } else if (target.dataset.save) {
      act("shortlist_edit", { challenge_id: Number(target.dataset.save), text: document.getElementById("edit-" + target.dataset.save).value });
    } else if (target.dataset.remove) act("shortlist_remove", { challenge_id: Number(target.dataset.remove) });
  });
  stage.addEventListener("change", function (event) {
    const target = event.target;
    if (target.dataset.roleFor) act("set_role", { participant_id: Number(target.dataset.roleFor), role: target.value });
    if (target.dataset.homeFor) act("move_home", { participant_id: Number(target.dataset.homeFor), table_id: Number(target.value) });
    if (target.dataset.presentFor) act("set_present", { participant_id: Number(target.dataset.presentFor), present: target.checked });
    if (target.id === "ballot-type") act("set_ballot", { ballot_type: target.value });
    if (target.id === "voter-codes-toggle") act("set_voter_codes", { on: target.checked });
  });
  stage.addEventListener("input", function (event) {
    if (event.target.id === "candidate-search") { searchTerm = event.target.value; applySearch(); }
    if (event.target.dataset.paper || event.target.id === "paper-code") {
      paperDraft[event.target.id] = event.target.type === "checkbox" ? event.target.checked : event.target.value;
      paperReceipt = "";
    }
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
    if (event.target.id === "paper-ballot-form") {
      event.preventDefault();
      const read = paperChoice();
      if (read.error) { errorBox.hidden = false; errorBox.textContent = read.error; return; }
      const code = document.getElementById("paper-code");
      const ack = await act("cast_paper_ballot", { choice: read.choice, voter_code: code ? code.value : undefined });
      if (ack.ok) { paperDraft = {}; paperReceipt = ack.receipt; stageKey = ""; render(); }
      return;
    }
    if (event.target.id !== "add-own") return;
    event.preventDefault();
    const sent = document.getElementById("own-text").value;
    const ack = await act("shortlist_add", { text: sent });
    // Clear only what was sent: the facilitator may already be typing the next one.
    const input = document.getElementById("own-text");
    if (ack.ok && input && input.value === sent) input.value = "";
  });

  function renderVoting() {
    const s = snap;
    return "<h1>" + t("Vote on your phone") + '</h1><p class="turnout" id="turnout">' + t("%(voted)s of %(eligible)s have voted", { voted: s.turnout.voted, eligible: s.turnout.eligible }) + "</p>" +
      paperCount() +
      (s.workshop.ballot.voter_codes ? '<p class="prompt">' + t("Type the voter code from your paper slip with your ballot.") + "</p>" : "") +
      '<ol class="shortlist">' + s.challenges.map((c) => '<li class="shortlist-item">' + esc(c.text) + "</li>").join("") + "</ol>" +
      (presenting ? "" : paperBallot()) +
      (s.workshop.ballot.voter_codes && !presenting ? voterCodes() : "") +  // slips for latecomers
      (presenting ? "" : peoplePanel());
  }

  /* The room sees how many ballots the facilitator entered on paper, as they are entered. */
  function paperCount() {
    const paper = snap.turnout && snap.turnout.paper;
    return paper ? '<p class="prompt" id="turnout-paper">' + t("%(paper)s of them entered on paper by the facilitator.", { paper: paper }) + "</p>" : "";
  }

  // A paper ballot being typed in survives the redraws that every phone's ballot causes.
  let paperDraft = {};
  let paperReceipt = "";

  /* Enter the ballot of someone without a phone, as the phone's ballot asks for it. */
  function paperBallot() {
    const s = snap;
    const b = s.workshop.ballot;
    const n = s.challenges.length;
    const value = (key) => esc(paperDraft[key] === undefined ? "" : paperDraft[key]);
    const rows = s.challenges.map(function (c) {
      const id = "paper-" + c.id;
      if (b.type === "approval") {
        return '<li><label class="check" for="' + id + '"><input type="checkbox" id="' + id + '" data-paper="' + c.id + '"' + (paperDraft[id] ? " checked" : "") + "> " + esc(c.text) + "</label></li>";
      }
      const label = b.type === "dots" ? t("Points for “%(challenge)s”", { challenge: c.text }) : t("Place of “%(challenge)s”", { challenge: c.text });
      const max = b.type === "dots" ? b.points_per_item : n;
      return '<li><input type="number" id="' + id + '" data-paper="' + c.id + '" min="' + (b.type === "dots" ? 0 : 1) + '" max="' + max + '" value="' + value(id) +
        '" aria-label="' + esc(label) + '"> <label for="' + id + '">' + esc(c.text) + "</label></li>";
    }).join("");
    const how = b.type === "dots" ? t("Type the points written next to each challenge (%(budget)s in all, at most %(most)s on one).", { budget: b.points_budget, most: b.points_per_item })
      : b.type === "approval" ? t("Tick the challenges chosen (up to %(count)s).", { count: b.approvals_max })
      : t("Type the place written next to each challenge: 1 for the most important, up to %(count)s.", { count: n });
    return '<section class="paper-ballot" id="paper-ballot" aria-labelledby="paper-heading"><h2 id="paper-heading">' + t("Enter a paper ballot") + "</h2>" +
      '<p class="small">' + t("For someone without a phone. It is counted like any other ballot, and the room, the report and the exports see how many were entered on paper.") + "</p>" +
      '<form id="paper-ballot-form"><p>' + how + '</p><ul class="paper-rows">' + rows + "</ul>" +
      (b.voter_codes ? '<label for="paper-code">' + t("Voter code from their slip") + '<input id="paper-code" autocomplete="off" value="' + value("paper-code") + '"></label>' : "") +
      '<button type="submit" id="paper-submit">' + t("Count this paper ballot") + "</button></form>" +
      '<p id="paper-receipt" role="status">' + (paperReceipt ? t("Counted. Write the receipt %(receipt)s on the paper ballot for its owner.", { receipt: "<strong>" + esc(paperReceipt) + "</strong>" }) : "") + "</p></section>";
  }

  /* The choice as a phone sends it, or a message saying what to correct. */
  function paperChoice() {
    const s = snap;
    const b = s.workshop.ballot;
    const read = (c) => { const node = document.getElementById("paper-" + c.id); return node ? node : null; };
    if (b.type === "approval") return { choice: s.challenges.filter((c) => read(c).checked).map((c) => String(c.id)) };
    if (b.type === "dots") {
      const choice = {};
      for (const c of s.challenges) {
        const raw = read(c).value.trim();
        if (raw === "") continue;
        const points = Number(raw);
        if (!Number.isInteger(points) || points < 0) return { error: t("Points must be whole numbers.") };
        if (points) choice[String(c.id)] = points;
      }
      return { choice: choice };
    }
    const places = s.challenges.map((c) => Number(read(c).value.trim() || NaN));
    const n = s.challenges.length;
    const distinct = new Set(places);
    if (places.some((p) => !Number.isInteger(p) || p < 1 || p > n) || distinct.size !== n) {
      return { error: t("Give each challenge a different place from 1 to %(count)s.", { count: n }) };
    }
    return { choice: s.challenges.map((c, i) => [places[i], String(c.id)]).sort((x, y) => x[0] - y[0]).map((pair) => pair[1]) };
  }

  function renderResults() {
    const r = snap.results;
    if (r.withheld) {
      return "<h1>" + t("Result") + '</h1><p class="prompt" id="withheld">' + t("Only %(ballots)s ballots: at least %(minimum)s are needed to show a result without exposing anyone's vote.", { ballots: r.ballots, minimum: r.min_ballots }) + "</p>";
    }
    const top = Math.max(1, ...r.rows.map((row) => row.score));
    return "<h1>" + t("Result") + '</h1><p class="method">' + esc(r.method_sentence) + " " + t("%(ballots)s ballots.", { ballots: r.ballots }) +
      (snap.turnout && snap.turnout.paper ? ' <span id="results-paper">' + t("%(paper)s of them entered on paper by the facilitator.", { paper: snap.turnout.paper }) + "</span>" : "") +
      (r.robustness ? ' <span id="robustness">' + esc(r.robustness) + "</span>" : "") + '</p><ol class="ranking" id="ranking">' +
      r.rows.map(function (row) {
        const width = (100 * row.score / top).toFixed(1);
        return '<li data-rank="' + row.rank + '"><span class="rank">' + row.rank + (row.tied ? "=" : "") + "</span><span>" + esc(row.text) +
          ' <span class="score">' + row.score + " " + scoreUnit(r.method, row.score) + (row.tied ? " · " + t("tie") : "") + '</span><svg viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true"><rect width="' + width +
          '" height="4" fill="#60a5fa"/></svg><span class="small">' + esc(row.tables.join(", ")) + "</span></span></li>";
      }).join("") + "</ol>";
  }

  // Controls whose focus survives a redraw, found again by this attribute's value.
  const FOCUS_KEYS = ["data-add-note", "data-merge-note", "data-merge-target", "data-add-alike", "data-save", "data-remove"];

  /* Where the keyboard is before a redraw: the element, a half-typed value, and the candidate
   * notes in order, so focus can move to the next one when its own note left the list. */
  function focusToKeep() {
    const active = document.activeElement;
    if (!active || active === document.body || !stage.contains(active)) return null;
    const attr = FOCUS_KEYS.find((name) => active.hasAttribute(name));
    if (!attr && !active.id) return null;
    return {
      id: active.id, attr: attr, key: attr ? active.getAttribute(attr) : null,
      // The facilitator's own choice (typed text, a "merge into" target) survives a redraw; a
      // role, home or presence control shows the room's new state and gets only the focus back.
      typed: (active.tagName === "INPUT" && active.type !== "checkbox") || active.hasAttribute("data-merge-target"),
      value: active.tagName === "INPUT" || active.tagName === "SELECT" ? active.value : null,
      start: active.tagName === "INPUT" && active.type !== "checkbox" ? active.selectionStart : null,
      note: active.closest(".candidate") ? active.closest(".candidate").dataset.note : null,
      notes: [...stage.querySelectorAll(".candidate")].map((node) => node.dataset.note),
      group: active.closest(".alike-group") !== null,
    };
  }

  function restoreFocus(keep) {
    if (!keep) return;
    const again = keep.attr ? stage.querySelector("[" + keep.attr + '="' + keep.key + '"]') : document.getElementById(keep.id);
    if (again && !again.disabled) {
      if (keep.typed && (again.tagName !== "SELECT" || again.querySelector('option[value="' + keep.value + '"]'))) again.value = keep.value;
      again.focus();
      if (keep.start !== null && again.setSelectionRange) again.setSelectionRange(keep.start, keep.start);
      return;
    }
    // Its note went onto the shortlist: on to the next note (or the one before), same control.
    let next = null;
    if (keep.note) {
      const at = keep.notes.indexOf(keep.note);
      const order = keep.notes.slice(at + 1).concat(keep.notes.slice(0, at).reverse());
      const node = order.map((id) => stage.querySelector('.candidate[data-note="' + id + '"]')).find(Boolean);
      if (node) next = node.querySelector("[" + keep.attr + "]:not([disabled])") || node.querySelector("button:not([disabled]), select");
    } else if (keep.group) {
      next = stage.querySelector(".alike-group button:not([disabled])");
    }
    next = next || document.getElementById("candidates-heading");
    if (next) next.focus();
  }

  function render() {
    if (!snap) return;
    document.body.dataset.phase = snap.workshop.phase;
    renderActions();
    const phase = snap.workshop.phase;
    const html = (presenting ? "" : accessPanel()) + (phase === "lobby" ? renderLobby()
      : phase === "rounds" ? renderRounds()
      : phase === "consolidation" ? renderConsolidation()
      : phase === "voting" ? renderVoting()
      : snap.results ? renderResults() : "<h1>" + t("Closed") + "</h1>");
    const keep = focusToKeep();
    const drawn = html !== stageKey;
    if (drawn) {
      stage.innerHTML = html;
      stageKey = html;
      restoreFocus(keep);
    }
    applySearch();
    tick();
    if (drawn) fitProjector();  // measured with the countdown's text in place
  }
  window.addEventListener("resize", function () { boardFit = BOARD_PAGE_SIZE; stageKey = ""; render(); });

  // The end of a round: a banner in words, a pulsing frame and, if switched on, a chime.
  let chimeOn = localStorage.getItem("cocreate-chime") === "on";
  let cuedDeadline = null;
  const chimeButton = document.getElementById("chime-toggle");
  function showChime() {
    chimeButton.setAttribute("aria-pressed", chimeOn ? "true" : "false");
    chimeButton.textContent = chimeOn ? t("Chime: on") : t("Chime: off");
  }
  showChime();
  chimeButton.addEventListener("click", function () {
    chimeOn = !chimeOn;
    localStorage.setItem("cocreate-chime", chimeOn ? "on" : "off");
    showChime();
  });

  function cueRoundOver(over, deadline) {
    document.body.classList.toggle("round-over", over);
    document.getElementById("time-up").hidden = !over || presenting;
    if (over && cuedDeadline !== deadline) {
      cuedDeadline = deadline;
      const chime = document.getElementById("chime");
      if (chimeOn && chime) chime.play().catch(function () {});
    }
  }

  function tick() {
    const node = document.getElementById("countdown");
    if (!node || node.dataset.paused !== undefined) { cueRoundOver(false, null); return; }
    const left = conn.secondsLeft(Number(node.dataset.deadline));
    cueRoundOver(left <= 0, node.dataset.deadline);
    const wasOver = node.classList.contains("over");
    node.textContent = formatSeconds(Math.max(left, 0));
    node.classList.toggle("over", left <= 0);
    if (left <= 0) node.textContent = t("Time is up");
    if (wasOver !== left <= 0) fitProjector();  // "Time is up" may take more room
  }
  setInterval(tick, 1000);

  // --- keyboard shortcuts (listed on the help overlay) --------------------------------------
  const help = document.getElementById("help");
  const helpToggle = document.getElementById("help-toggle");
  function toggleHelp(show) {
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) document.getElementById("help-close").focus();
    else if (!presenting) helpToggle.focus();  // back where the facilitator was
  }
  helpToggle.addEventListener("click", function () { toggleHelp(true); });
  // The help is modal: Tab stays on its one control while it is open.
  help.addEventListener("keydown", function (event) {
    if (event.key === "Tab") { event.preventDefault(); document.getElementById("help-close").focus(); }
  });
  document.getElementById("help-close").addEventListener("click", function () { toggleHelp(false); });

  function pressFirst(events) {
    for (const name of events) {
      const target = actions.querySelector('button[data-event="' + name + '"]:not([disabled])');
      if (target) { target.click(); return; }
    }
  }

  document.addEventListener("keydown", function (event) {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === "escape" && !help.hidden) { toggleHelp(false); return; }
    if (key === "?" || key === "h") { toggleHelp(); }
    else if (key === "n") {
      pressFirst(["start_round", "end_round", "begin_consolidation", "open_vote", "close_vote"]);
    }
    else if (key === "+") { pressFirst(["extend_round"]); }
    else if (key === "p") { pressFirst(["pause_round", "resume_round"]); }
    else if (key === "f") {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(function () {});
    }
    else return;
    event.preventDefault();
  });
})();

