// Simulated phones for bench/load.py. One Node process, one clock, N Socket.IO clients (the
// same client library the browser loads) that behave like cocreate/static/js/common.js: sync
// on every connect, assemble each pushed `table_state` into the screen's state (or sync when
// the push has no entry for this phone), ignore anything not newer than what is shown.
//
//   node phones.mjs '{"mode": "workshop", "base": ..., "code": ..., "key": ..., "phones": N}'
//   node phones.mjs '{"mode": "floor", "base": ..., "phones": N, "broadcasts": 20}'
//
// With "drop": 0.2 the phones reach the server through a TCP proxy on loopback that resets a
// fifth of their open connections, at random moments in every round and twice in the vote;
// phones then do what common.js and phone.js do: reconnect, sync, and send again whatever had
// no answer (notes keep their client_id, so a resent note is stored once).
//
// Prints one JSON object: samples in milliseconds per kind of moment, and counts.
import net from "node:net";
import { io } from "socket.io-client";

const cfg = JSON.parse(process.argv[2]);
const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const samples = {};
const counts = {};
const record = (kind, ms) => (samples[kind] ??= []).push(ms);
const count = (kind, by = 1) => (counts[kind] = (counts[kind] ?? 0) + by);
const WAIT_MS = 20000; // how long a moment may take before the phones still waiting count as missed

async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

function ack(socket, event, payload, timeout = 10000) {
  return new Promise((resolve) => {
    socket.timeout(timeout).emit(event, payload, (err, answer) => {
      resolve(err ? { ok: false, error: "timeout" } : answer);
    });
  });
}

// --- a loopback TCP proxy that can reset connections ------------------------------------

class ResettingProxy {
  constructor(target) {
    this.target = new URL(target);
    this.pairs = new Set();
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(this.target.port), this.target.hostname);
      const pair = { client, upstream };
      this.pairs.add(pair);
      const forget = () => this.pairs.delete(pair);
      client.on("error", forget).on("close", () => { forget(); upstream.destroy(); });
      upstream.on("error", forget).on("close", () => { forget(); client.destroy(); });
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  listen() {
    return new Promise((resolve) => this.server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${this.server.address().port}`);
    }));
  }

  resetSome(fraction) {
    const open = [...this.pairs];
    const chosen = open.filter(() => Math.random() < fraction);
    for (const { client, upstream } of chosen) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    count("connections reset", chosen.length);
  }
}

// Send until answered, across drops and reconnects, as the phone's outbox does.
async function reliably(phone, event, payload) {
  for (let attempt = 0; attempt < 30; attempt++) {
    if (!phone.socket.connected) await new Promise((resolve) => phone.socket.once("connect", resolve));
    const answer = await ack(phone.socket, event, payload, 5000);
    if (answer.error !== "timeout") return answer;
    count(`${event} resent`);
  }
  return { ok: false, error: "gave up" };
}

// --- the screen's state, as common.js builds it ------------------------------------------

function inLanguage(results, language) {
  if (!results) return null;
  const texts = results.texts[language] || Object.values(results.texts)[0];
  const shown = Object.assign({}, results);
  delete shown.texts;
  return Object.assign(shown, texts);
}

function assembleTableState(push, previous) {
  const view = push.view;
  const personal = push.people[String(previous.me.id)];
  if (!personal) return null;
  const next = personal.next;
  const tables = view.tables || previous.tables; // sent only when they changed, as the workshop
  return {
    view: previous.view, v: push.v, workshop: view.workshop || previous.workshop, round: view.round,
    shortlist: view.shortlist, results: inLanguage(view.results, "da"), server_now: view.server_now,
    me: Object.assign({}, previous.me, {
      role: personal.role, role_label: personal.role_label, home: tables[String(personal.home)],
    }),
    seat: Object.assign({}, view.seat, { at_home: view.seat.id === personal.home }),
    next_seat: next == null ? null : Object.assign({}, tables[String(next)], {
      at_home: next === personal.home, round_number: view.next_round_number,
    }),
    free_roles: personal.role === "member" ? view.free_roles : [],
    notes: view.notes.map((n) => Object.assign({}, n, { mine: personal.mine.indexOf(n.id) >= 0 })),
    has_voted: previous.has_voted,
    tables,
  };
}

// A moment the driver waits for: every phone's state meets `test`. Each phone records when the
// message that brought it arrived ("received") and when its state was up to date ("screen").
let moment = null;

function expect(kind, test) {
  moment = { kind, test, t0: now(), done: new Set() };
  return moment;
}

async function waitFor(m, phones) {
  for (const phone of phones) phone.check();
  const deadline = now() + WAIT_MS;
  while (m.done.size < phones.length && now() < deadline) await sleep(5);
  count(`${m.kind}: reached`, m.done.size);
  count(`${m.kind}: missed`, phones.length - m.done.size);
  moment = null;
}

class Phone {
  constructor(index, cookie) {
    this.index = index;
    this.cookie = cookie;
    this.current = null;
    this.arrived = null; // when the message behind the current state arrived
  }

  connect() {
    return new Promise((resolve) => {
      const started = now();
      this.socket = io(cfg.socketBase || cfg.base, {
        auth: { code: cfg.code }, extraHeaders: { cookie: this.cookie }, reconnectionDelayMax: 4000,
      });
      this.socket.on("connect", async () => {
        await this.sync(now());
        if (!this.firstState) {
          this.firstState = now() - started;
          record("connect, first screen state", this.firstState);
          resolve();
        } else {
          count("reconnects");
        }
      });
      this.socket.on("connect_error", () => count("connect errors"));
      this.socket.on("table_state", (push) => this.push(push, now()));
      this.socket.on("voted", () => {
        if (this.current) this.current.has_voted = true;
      });
    });
  }

  async sync(arrived) {
    const answer = await ack(this.socket, "sync", {});
    if (answer.ok) this.show(answer.snapshot, answer.v, arrived);
    else count("sync refused");
  }

  push(push, arrived) {
    count("pushes received");
    if (this.current && push.v <= this.current.v) return;
    const state = this.current && assembleTableState(push, this.current);
    if (!state) {
      count("pushes answered with a sync");
      this.sync(arrived);
      return;
    }
    this.show(state, push.v, arrived);
  }

  show(snapshot, v, arrived) {
    if (this.current && v <= this.current.v) return;
    snapshot.v = v;
    this.current = snapshot;
    this.arrived = arrived;
    this.check();
  }

  check() {
    const m = moment;
    if (!m || m.done.has(this.index) || !this.current || !m.test(this.current)) return;
    m.done.add(this.index);
    record(`${m.kind}: received`, Math.max(0, this.arrived - m.t0));
    record(`${m.kind}: screen up to date`, now() - m.t0);
  }
}

// --- joining, as a phone does after scanning the QR code ---------------------------------

function cookiesFrom(response, jar) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    jar[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  return jar;
}
const cookieHeader = (jar) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join("; ");

async function join(index) {
  const url = `${cfg.base}/j/${cfg.code}`;
  const jar = {};
  const page = await fetch(url, { redirect: "manual" });
  cookiesFrom(page, jar);
  const token = /name="csrf_token"[^>]*value="([^"]+)"/.exec(await page.text());
  const body = new URLSearchParams({ name: `Deltager ${index + 1} Østergaard-Bønnelykke` });
  if (token) body.set("csrf_token", token[1]);
  const answer = await fetch(url, {
    method: "POST", body, redirect: "manual", headers: { cookie: cookieHeader(jar) },
  });
  if (answer.status !== 302 && answer.status !== 303) throw new Error(`join ${answer.status}`);
  return cookieHeader(cookiesFrom(answer, jar));
}

// --- the facilitator ---------------------------------------------------------------------

class Facilitator {
  async connect() {
    this.state = null;
    this.socket = io(cfg.base, { auth: { code: cfg.code, key: cfg.key }, transports: ["websocket"] });
    this.socket.on("facilitator_state", (push) => {
      if (!this.state || push.v > this.state.v) this.state = push.snapshot;
    });
    await new Promise((resolve) => this.socket.on("connect", resolve));
    const answer = await ack(this.socket, "sync", {});
    this.state = answer.snapshot;
  }

  async act(event, payload = {}) {
    const answer = await ack(this.socket, event, payload);
    if (!answer.ok) throw new Error(`${event}: ${answer.error}`);
    return answer;
  }

  async seatingReady() {
    const deadline = now() + 60000;
    while (now() < deadline) {
      const answer = await ack(this.socket, "sync", {});
      if (answer.ok && !answer.snapshot.planning) return;
      await sleep(200);
    }
    throw new Error("the seating plan took over 60 s");
  }
}

// --- a whole workshop --------------------------------------------------------------------

async function workshop() {
  const proxy = cfg.drop ? new ResettingProxy(cfg.base) : null;
  if (proxy) cfg.socketBase = await proxy.listen();
  const indices = Array.from({ length: cfg.phones }, (_, i) => i);
  const cookies = await pool(indices, 20, join);
  const phones = cookies.map((cookie, i) => new Phone(i, cookie));
  const connectStarted = now();
  await pool(phones, 100, (phone) => phone.connect());
  record("all phones connected and showing their state", now() - connectStarted);

  const facilitator = new Facilitator();
  await facilitator.connect();
  const fields = phones[0].current.workshop.fields.map((f) => f.key);
  const challengeField = phones[0].current.workshop.challenge_field;
  const rounds = facilitator.state.rounds.length;
  const challengeNotes = [];

  for (let r = 1; r <= rounds; r++) {
    await facilitator.seatingReady();
    const started = expect("round starts", (s) => s.round && s.round.number === r && s.round.running);
    await facilitator.act("start_round");
    await waitFor(started, phones);
    if (proxy) setTimeout(() => proxy.resetSome(cfg.drop), 200 + Math.random() * 1500);
    // A fifth of the room writes a note during the round.
    const field = r === rounds ? challengeField : fields[(r - 1) % fields.length];
    await Promise.all(phones.filter((p) => (p.index + r) % 5 === 0).map(async (phone) => {
      await sleep(Math.random() * 2000);
      const sent = now();
      const answer = await reliably(phone, "add_note", {
        client_id: `bench-${phone.index}-${r}`, field,
        text: `Runde ${r}: vi mangler tid til det tværfaglige samarbejde (telefon ${phone.index + 1})`,
      });
      record("note acked", now() - sent);
      count(answer.ok ? "notes acked" : "notes refused");
      if (answer.ok && field === challengeField) challengeNotes.push(answer.note_id);
    }));
    await sleep(500);
    const ended = expect("round ends", (s) => s.round && s.round.number === r && !s.round.running);
    await facilitator.act("end_round");
    await waitFor(ended, phones);
  }

  const shortlisting = expect("shortlist begins", (s) => s.workshop.phase === "consolidation");
  await facilitator.act("begin_consolidation");
  await waitFor(shortlisting, phones);
  for (const noteId of challengeNotes.slice(0, 7)) await facilitator.act("shortlist_add", { note_id: noteId });

  const opened = expect("vote opens", (s) => s.workshop.phase === "voting" && s.shortlist.length > 0);
  await facilitator.act("open_vote");
  await waitFor(opened, phones);

  // The burst: every phone votes once, at a random moment within 10 s.
  if (proxy) {
    setTimeout(() => proxy.resetSome(cfg.drop), 2000 + Math.random() * 2000);
    setTimeout(() => proxy.resetSome(cfg.drop), 6000 + Math.random() * 2000);
  }
  await Promise.all(phones.map(async (phone) => {
    await sleep(Math.random() * 10000);
    const ids = phone.current.shortlist.map((c) => String(c.id));
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    const sent = now();
    const answer = await reliably(phone, "cast_ballot", { choice: ids });
    record("ballot acked", now() - sent);
    count(answer.ok ? "ballots acked" : "ballots refused");
    if (answer.ok && answer.already_counted) count("ballots answered already counted");
    if (answer.ok) phone.current.has_voted = true; // as phone.js does on the ballot's answer
  }));

  const results = expect("results on the phone", (s) => s.results != null);
  await facilitator.act("close_vote");
  await waitFor(results, phones);

  await sleep(1000);
  await pool(phones, 50, compareWithServer);
  for (const phone of phones) phone.socket.disconnect();
  facilitator.socket.disconnect();
  if (proxy) proxy.server.close();
}

// What the participant sees: a phone's state, as the pushes built it, against a fresh pull.
const seen = (s) => JSON.stringify({
  phase: s.workshop.phase, round: s.round, seat: s.seat.id, next: s.next_seat && s.next_seat.id,
  role: s.me.role, home: s.me.home && s.me.home.id, shortlist: s.shortlist,
  notes: s.notes.map((n) => [n.id, n.text, n.mine]), results: s.results,
  voted: s.has_voted,
});

async function compareWithServer(phone) {
  const answer = await reliably(phone, "sync", {});
  if (!answer.ok) return count("final sync refused");
  const pulled = Object.assign(answer.snapshot, { v: answer.v });
  count(seen(pulled) === seen(phone.current) ? "phones matching the server" : "phones not matching the server");
}

// --- the floor: a bare Flask-SocketIO broadcast ------------------------------------------

async function floor() {
  const sockets = [];
  let current = null;
  const connectStarted = now();
  await pool(Array.from({ length: cfg.phones }, (_, i) => i), 100, (i) => new Promise((resolve) => {
    const started = now();
    const socket = io(cfg.base, { reconnectionDelayMax: 4000 });
    socket.on("connect", () => {
      record("connect, first screen state", now() - started);
      resolve();
    });
    socket.on("broadcast", (message) => {
      if (current && message.n === current.n && !current.done.has(i)) {
        current.done.add(i);
        record("broadcast: received", now() - current.t0);
        record("broadcast: screen up to date", now() - current.t0);
      }
    });
    sockets.push(socket);
  }));
  record("all phones connected and showing their state", now() - connectStarted);
  const controller = io(cfg.base, { transports: ["websocket"] });
  await new Promise((resolve) => controller.on("connect", resolve));
  for (let n = 1; n <= cfg.broadcasts; n++) {
    current = { n, t0: now(), done: new Set() };
    await ack(controller, "go", { n });
    const deadline = now() + WAIT_MS;
    while (current.done.size < cfg.phones && now() < deadline) await sleep(5);
    count("broadcast: reached", current.done.size);
    count("broadcast: missed", cfg.phones - current.done.size);
    await sleep(300);
  }
  for (const socket of sockets) socket.disconnect();
  controller.disconnect();
}

(cfg.mode === "floor" ? floor() : workshop())
  .then(() => {
    // Exit only once the pipe has taken everything (a large report is written in pieces).
    process.stdout.write(JSON.stringify({ samples, counts }) + "\n", () => process.exit(0));
  })
  .catch((error) => {
    const report = { samples, counts, error: String(error.stack || error) };
    process.stdout.write(JSON.stringify(report) + "\n", () => process.exit(1));
  });
