// SignalStream dashboard: plain ES module, no build step. Talks to the API it is served from.
const KEY_STORAGE = "signalstream.apiKey";
const $ = (id) => document.getElementById(id);
const messages = (n) => `${n} message${n === 1 ? "" : "s"}`;
// The list holds at most this many conversations; older ones are dropped as newer ones arrive.
const MAX_LISTED = 200;
const MAX_ALERTS = 50; // alerts the feed shows
const PAGE = 50;

const state = {
  key: sessionStorage.getItem(KEY_STORAGE),
  conversations: new Map(), // conversation_id -> list item (summary) + latest aggregate
  selected: null,
  panel: null, // the aggregate the panel shows
  alerts: new Map(), // alert id -> alert, the newest MAX_ALERTS
  unseen: 0, // alerts pushed since the list was last looked at
  alertSocket: null,
  analyticsSocket: null,
  attentionDue: null, // a pending refresh of the "needs a human now" list
  today: null, // today's day bucket (GET /v1/analytics, then pushed)
  hours: new Map(), // start -> hour bucket of the last 24 h
  socket: null,
  retry: 0,
  stopped: false,
  filter: null, // URLSearchParams of the active search, or null for the live list
  cursor: null, // next_cursor of the last page loaded
};

// --- HTTP ---------------------------------------------------------------------------------

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${state.key}`, ...(options.headers || {}) },
  });
  if (res.status === 401) {
    signOut("That API key was not accepted.");
    throw new Error("unauthorized");
  }
  const body = res.headers.get("content-type")?.includes("json") ? await res.json() : null;
  return { status: res.status, body };
}

// --- Connection ------------------------------------------------------------------------------

function setConnection(kind, text) {
  const el = $("connection");
  el.dataset.state = kind;
  el.textContent = text;
}

// Browsers cannot set Authorization on a WebSocket: the key travels as a subprotocol when it
// is a valid token, else as a query parameter.
function openSocket(path) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const tokenSafe = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(state.key);
  const url = `${scheme}://${location.host}${path}` +
    (tokenSafe ? "" : `?access_token=${encodeURIComponent(state.key)}`);
  return tokenSafe ? new WebSocket(url, ["bearer", state.key]) : new WebSocket(url);
}

function connect() {
  if (state.stopped) return;
  const socket = openSocket("/ws/conversations");
  state.socket = socket;
  setConnection("reconnecting", state.retry ? "Reconnecting…" : "Connecting…");
  socket.onopen = () => {
    state.retry = 0;
    setConnection("live", "Live");
    loadList(); // catch up on whatever changed while disconnected
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "intelligence_update") applyUpdate(message.data);
    if (message.type === "conversation_removed") removeConversation(message.conversation_id);
  };
  socket.onclose = (event) => {
    if (event.code === 1013 || event.code === 1008) {
      // Refused by a cap, or dropped as too far behind: say why, then try again later.
      setConnection("reconnecting", `Stream closed: ${event.reason || "try again later"}`);
    }
    if (state.stopped || state.socket !== socket) return;
    const delay = Math.min(15000, 500 * 2 ** state.retry++);
    setConnection("reconnecting", `Reconnecting in ${Math.round(delay / 1000)} s…`);
    setTimeout(connect, delay);
  };
}

// The alert feed: its own socket, caught up from GET /v1/alerts whenever it (re)opens.
function connectAlerts(retry = 0) {
  if (state.stopped) return;
  const socket = openSocket("/ws/alerts");
  state.alertSocket = socket;
  socket.onopen = async () => {
    retry = 0;
    const { status, body } = await api("/v1/alerts?limit=" + MAX_ALERTS);
    if (status === 200) body.alerts.forEach((a) => addAlert(a, false));
    renderAlerts();
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "alert") {
      addAlert(message.data, true);
      renderAlerts();
    }
  };
  socket.onclose = () => {
    if (state.stopped || state.alertSocket !== socket) return;
    setTimeout(() => connectAlerts(retry + 1), Math.min(15000, 500 * 2 ** retry));
  };
}

// --- Overview: the tenant's floor from GET /v1/analytics, kept live by WS /ws/analytics ---------

const HOUR = 3600e3;
const DAY = 24 * HOUR;

function todayStart() {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

function route() {
  const conversations = location.hash === "#/conversations";
  $("overview").hidden = conversations;
  $("conversations-view").hidden = !conversations;
  $("tab-overview").setAttribute("aria-current", conversations ? "false" : "page");
  $("tab-conversations").setAttribute("aria-current", conversations ? "page" : "false");
  if (!conversations && state.key && !state.stopped) loadOverview();
}

async function loadOverview() {
  const day = todayStart();
  const iso = (ms) => new Date(ms).toISOString();
  const now = Date.now();
  const [today, hours] = await Promise.all([
    api(`/v1/analytics?granularity=day&from=${iso(day)}&to=${iso(day + DAY)}`),
    api(`/v1/analytics?granularity=hour&from=${iso(now - DAY)}&to=${iso(now + HOUR)}`),
  ]);
  // A bucket pushed while these were in flight may be newer than their answer: counts only grow.
  if (today.status === 200) {
    const pushed = state.today && Date.parse(state.today.start) === day ? state.today : null;
    state.today = later(pushed, today.body.buckets[0] ?? null);
  }
  if (hours.status === 200) {
    const pushed = state.hours;
    state.hours = new Map();
    hours.body.buckets.forEach((b) => state.hours.set(b.start, later(pushed.get(b.start), b)));
    pushed.forEach((b, start) => {
      if (!state.hours.has(start) && Date.parse(start) > now - DAY - HOUR) state.hours.set(start, b);
    });
  }
  renderOverview();
  loadAttention();
}

/** Of two versions of one bucket, the one that has counted more (null when neither exists). */
function later(known, fresh) {
  if (!known || (fresh && fresh.start !== known.start)) return fresh;
  return fresh && fresh.messages >= known.messages ? fresh : known;
}

function connectAnalytics(retry = 0) {
  if (state.stopped) return;
  const socket = openSocket("/ws/analytics");
  state.analyticsSocket = socket;
  socket.onopen = () => {
    retry = 0;
    // what changed before the socket was open (or while it was down) is only in a fresh read
    if (location.hash !== "#/conversations") loadOverview();
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type !== "analytics") return;
    const b = message.data;
    if (b.granularity === "day" && Date.parse(b.start) === todayStart()) state.today = b;
    else if (b.granularity === "hour" && Date.parse(b.start) > Date.now() - DAY - HOUR) {
      state.hours.set(b.start, b);
      [...state.hours.keys()].filter((k) => Date.parse(k) < Date.now() - DAY - HOUR).forEach((k) => state.hours.delete(k));
    } else return;
    renderOverview();
    // the list of who needs a human follows, at most every two seconds
    if (!state.attentionDue) state.attentionDue = setTimeout(() => { state.attentionDue = null; loadAttention(); }, 2000);
  };
  socket.onclose = () => {
    if (state.stopped || state.analyticsSocket !== socket) return;
    setTimeout(() => connectAnalytics(retry + 1), Math.min(15000, 500 * 2 ** retry));
  };
}

const seconds = (ms) => (ms == null ? "–" : ms < 60e3 ? `${Math.round(ms / 1000)} s` : `${(ms / 60e3).toFixed(1)} min`);

function renderOverview() {
  const t = state.today;
  const set = (id, text) => { $(id).textContent = text; };
  set("kpi-started", t ? String(t.conversations_started) : "0");
  set("kpi-active", t ? String(t.conversations_active) : "0");
  set("kpi-messages", t ? String(t.messages) : "0");
  set("kpi-resolved", t ? String(t.conversations_resolved) : "0");
  set("kpi-escalation", t?.escalation_rate == null ? "–" : `${(t.escalation_rate * 100).toFixed(1)} %`);
  set("kpi-first-response", t?.first_response_ms?.count ? `${seconds(t.first_response_ms.p50)} / ${seconds(t.first_response_ms.p90)}` : "–");
  set("kpi-csat", t?.predicted_csat_mean == null ? "–" : t.predicted_csat_mean.toFixed(2));
  set("kpi-sentiment", t?.sentiment_mean == null ? "–" : t.sentiment_mean.toFixed(2));
  set("overview-updated", t ? `· updated ${new Date(t.updated_at).toLocaleTimeString()}` : "· no messages today yet");

  const hours = [...state.hours.values()].sort((a, b) => a.start.localeCompare(b.start));
  lineChart($("overview-sentiment"), hours, (b) => b.sentiment_mean, -1, 1);
  lineChart($("overview-csat"), hours, (b) => b.predicted_csat_mean, 1, 5);

  const intents = Object.entries(t?.intents ?? {}).sort((a, b) => b[1] - a[1]);
  const most = intents.length ? intents[0][1] : 1;
  $("overview-intents").replaceChildren(...intents.map(([name, n]) => {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = name.replaceAll("_", " ");
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = `${Math.max(2, (100 * n) / most)}%`;
    const count = document.createElement("span");
    count.textContent = String(n);
    li.append(label, bar, count);
    return li;
  }));

  $("overview-response").replaceChildren(...[["First response", t?.first_response_ms], ["Every response", t?.response_ms]].map(([name, p]) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    tr.append(th, ...[p?.p50, p?.p90, p?.p99, p?.count ?? 0].map((v, i) => {
      const td = document.createElement("td");
      td.textContent = i === 3 ? String(v) : seconds(v);
      return td;
    }));
    return tr;
  }));
}

// A line over the hours (x by hour, y from `value` between lo and hi); hours without a value are skipped.
function lineChart(svg, buckets, value, lo, hi) {
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const end = Date.now();
  const x = (b) => 5 + (290 * (Date.parse(b.start) - (end - DAY))) / DAY;
  const y = (v) => 85 - (80 * (v - lo)) / (hi - lo);
  const base = document.createElementNS(ns, "line");
  base.setAttribute("x1", "0"); base.setAttribute("x2", "300");
  base.setAttribute("y1", String(y((lo + hi) / 2))); base.setAttribute("y2", String(y((lo + hi) / 2)));
  base.setAttribute("stroke", "#d0d7de");
  svg.append(base);
  const points = buckets.filter((b) => value(b) != null);
  if (points.length > 1) {
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.map((b) => `${x(b).toFixed(1)},${y(value(b)).toFixed(1)}`).join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#0b5cad");
    line.setAttribute("stroke-width", "2");
    svg.append(line);
  }
  points.forEach((b) => {
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", x(b).toFixed(1));
    dot.setAttribute("cy", y(value(b)).toFixed(1));
    dot.setAttribute("r", "3");
    dot.setAttribute("fill", "#0b5cad");
    const title = document.createElementNS(ns, "title");
    title.textContent = `${new Date(b.start).toLocaleTimeString()}: ${value(b).toFixed(2)}`;
    dot.append(title);
    svg.append(dot);
  });
}

// Escalations first, then the customers waiting longest, then the most negative: each opens in the
// Conversations view.
async function loadAttention() {
  const [escalations, waiting, negative] = await Promise.all([
    api("/v1/conversations?escalation=true&limit=10"),
    api("/v1/conversations?sort=waiting&limit=5"),
    api("/v1/conversations?sentiment=negative&limit=10"),
  ]);
  const seen = new Map();
  const longest = waiting.status === 200 ? waiting.body.items : [];
  for (const items of [escalations.body?.items ?? [], longest, negative.body?.items ?? []]) {
    items.forEach((c) => { if (!seen.has(c.conversation_id)) seen.set(c.conversation_id, c); });
  }
  const rank = (c) => (c.requires_escalation ? 0 : c.waiting_since ? 1 : 2);
  const items = [...seen.values()].sort((a, b) =>
    rank(a) - rank(b) ||
    (a.waiting_since ?? "").localeCompare(b.waiting_since ?? "") ||
    (a.sentiment_score ?? 0) - (b.sentiment_score ?? 0));
  $("attention").replaceChildren(...items.slice(0, 10).map((c) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.conversation = c.conversation_id;
    const id = document.createElement("span");
    id.className = "id";
    id.textContent = c.conversation_id;
    const badges = document.createElement("span");
    badges.className = "badges";
    if (c.requires_escalation) badges.append(badge("escalate", "escalate"));
    if (c.waiting_since) badges.append(badge(`waiting ${seconds(Date.now() - Date.parse(c.waiting_since))}`, "medium"));
    if (c.sentiment) badges.append(badge(c.sentiment));
    if (c.urgency) badges.append(badge(`urgency ${c.urgency}`, c.urgency));
    button.append(id, badges);
    button.addEventListener("click", () => {
      location.hash = "#/conversations";
      select(c.conversation_id);
    });
    li.append(button);
    return li;
  }));
  $("attention-empty").hidden = items.length > 0;
}

function addAlert(alert, live) {
  if (state.alerts.has(alert.id)) return;
  state.alerts.set(alert.id, alert);
  if (live) state.unseen++;
  const oldest = [...state.alerts.values()]
    .sort((a, b) => b.triggered_at.localeCompare(a.triggered_at))
    .slice(MAX_ALERTS);
  oldest.forEach((a) => state.alerts.delete(a.id));
}

function renderAlerts() {
  const items = [...state.alerts.values()].sort((a, b) => b.triggered_at.localeCompare(a.triggered_at));
  const list = $("alert-list");
  list.replaceChildren(...items.map((a) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.alert = a.id;
    const title = document.createElement("span");
    title.className = "id";
    title.textContent = a.rule_name ?? a.rule_id;
    const meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = `${a.conversation_id} · ${new Date(a.triggered_at).toLocaleTimeString()}` +
      (a.trigger === "waiting" ? " · customer waiting" : "") + (a.backfill ? " · from history" : "");
    button.append(badge(a.severity), title, meta);
    button.addEventListener("click", () => {
      state.unseen = 0;
      renderAlerts();
      select(a.conversation_id);
    });
    li.append(button);
    return li;
  }));
  $("alerts-count").textContent = items.length ? `(${items.length})` : "";
  $("alerts-empty").hidden = items.length > 0;
  $("overview-alerts").replaceChildren(...items.slice(0, 5).map((a) => {
    const li = document.createElement("li");
    li.append(badge(a.severity), ` ${a.rule_name ?? a.rule_id} · ${a.conversation_id} · ${new Date(a.triggered_at).toLocaleTimeString()}`);
    return li;
  }));
  $("overview-alerts-empty").hidden = items.length > 0;
  const badgeEl = $("alert-badge");
  badgeEl.hidden = state.unseen === 0;
  badgeEl.textContent = `${state.unseen} new alert${state.unseen === 1 ? "" : "s"}`;
}

// --- Data ------------------------------------------------------------------------------------

// One page of the list: the live list (no filter) or a search. `more` appends the next page.
async function loadList(more = false) {
  const params = new URLSearchParams(state.filter ?? "");
  params.set("limit", String(PAGE));
  if (more && state.cursor) params.set("cursor", state.cursor);
  const { status, body } = await api(`/v1/conversations?${params}`);
  if (status !== 200) {
    $("search-status").textContent = body?.detail ?? `Search failed with status ${status}`;
    return;
  }
  if (!more && state.filter) state.conversations.clear();
  for (const item of body.items) {
    const known = state.conversations.get(item.conversation_id);
    if (!known || newer(item, known)) state.conversations.set(item.conversation_id, { ...known, ...item });
  }
  state.cursor = body.next_cursor;
  $("load-more").hidden = !state.cursor;
  $("search-status").textContent = state.filter
    ? `${body.total_exact ? body.total : `${body.total}+`} match${body.total === 1 ? "" : "es"}`
    : "";
  renderList();
}

function search(event) {
  event.preventDefault();
  const form = $("search");
  const params = new URLSearchParams();
  const q = form.q.value.trim();
  if (q) params.set("q", q);
  for (const name of ["intent", "sentiment", "urgency"]) {
    if (form[name].value) params.set(name, form[name].value);
  }
  if (form.escalation.checked) params.set("escalation", "true");
  state.filter = [...params.keys()].length ? params.toString() : null;
  state.cursor = null;
  state.conversations.clear();
  loadList();
}

function clearSearch() {
  $("search").reset();
  state.filter = null;
  state.cursor = null;
  state.conversations.clear();
  loadList();
}

function removeConversation(id) {
  state.conversations.delete(id);
  renderList();
}

// Keeps the newest MAX_LISTED conversations (and the selected one).
function trim() {
  if (state.conversations.size <= MAX_LISTED) return;
  const oldest = [...state.conversations.values()]
    .filter((c) => c.conversation_id !== state.selected)
    .sort((a, b) => (a.last_activity ?? "").localeCompare(b.last_activity ?? ""));
  for (const c of oldest.slice(0, state.conversations.size - MAX_LISTED)) state.conversations.delete(c.conversation_id);
}

// Aggregates are ordered by (epoch, version): a conversation that expired, was erased or was
// replayed starts counting again in a later epoch.
function newer(a, b) {
  const ea = a.epoch ?? 0;
  const eb = b.epoch ?? 0;
  return ea !== eb ? ea > eb : a.version > b.version;
}

function summaryOf(aggregate) {
  return {
    conversation_id: aggregate.conversation_id,
    message_count: aggregate.message_count,
    version: aggregate.version,
    epoch: aggregate.epoch ?? 0,
    last_activity: aggregate.last_updated,
    sentiment: aggregate.sentiment?.sentiment ?? null,
    sentiment_score: aggregate.sentiment?.score ?? null,
    urgency: aggregate.insights?.urgency ?? null,
    intent: aggregate.insights?.intent ?? null,
    requires_escalation: !!aggregate.insights?.requires_escalation,
    aggregate,
  };
}

function applyUpdate(aggregate) {
  const known = state.conversations.get(aggregate.conversation_id);
  if (known && !newer(aggregate, known)) return;
  // A search shows what matched when it ran: only its rows are kept current.
  if (!state.filter || known) {
    state.conversations.set(aggregate.conversation_id, summaryOf(aggregate));
    trim();
    renderList();
  }
  if (state.selected === aggregate.conversation_id) {
    renderPanel(aggregate);
    loadTranscript(aggregate.conversation_id);
  }
}

async function select(id) {
  state.selected = id;
  $("compose-conversation").value = id;
  renderList();
  const { status, body } = await api(`/v1/conversations/${encodeURIComponent(id)}/insights`);
  if (state.selected !== id) return;
  // A pushed update may have rendered a newer version while this request was on its way.
  const shown = state.panel?.conversation_id === id ? state.panel : null;
  if (status === 200 && !(shown && newer(shown, body))) {
    state.conversations.set(id, summaryOf(body));
    renderPanel(body);
  } else if (!shown) {
    $("panel-title").textContent = `Conversation ${id}`;
    $("details").hidden = true;
    $("escalation").hidden = true;
  }
  loadTranscript(id);
}

async function loadTranscript(id) {
  const { status, body } = await api(`/v1/conversations/${encodeURIComponent(id)}/messages`);
  const list = $("transcript");
  list.replaceChildren();
  if (status !== 200 || state.selected !== id) return;
  for (const m of body.messages) {
    const li = document.createElement("li");
    const who = document.createElement("span");
    who.className = "sender";
    who.textContent = m.sender;
    li.append(who, document.createTextNode(m.message));
    list.append(li);
  }
}

// --- Rendering -------------------------------------------------------------------------------

function badge(text, kind = text) {
  const span = document.createElement("span");
  span.className = `badge ${kind ?? ""}`;
  span.textContent = text;
  return span;
}

function renderList() {
  const items = [...state.conversations.values()].sort(
    (a, b) => (b.last_activity ?? "").localeCompare(a.last_activity ?? "") || a.conversation_id.localeCompare(b.conversation_id));
  const list = $("conversations");
  list.replaceChildren();
  for (const c of items) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.conversation = c.conversation_id;
    if (c.conversation_id === state.selected) button.setAttribute("aria-current", "true");
    const id = document.createElement("span");
    id.className = "id";
    id.textContent = c.conversation_id;
    const badges = document.createElement("span");
    badges.className = "badges";
    if (c.sentiment) badges.append(badge(c.sentiment));
    if (c.urgency) badges.append(badge(`urgency ${c.urgency}`, c.urgency));
    if (c.requires_escalation) badges.append(badge("⚠ escalate", "escalate"));
    const meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = `${messages(c.message_count)} · ${c.last_activity ? new Date(c.last_activity).toLocaleTimeString() : ""}`;
    button.append(id, badges, meta);
    button.addEventListener("click", () => select(c.conversation_id));
    li.append(button);
    list.append(li);
  }
  $("count").textContent = items.length ? `(${items.length})` : "";
  $("empty").hidden = items.length > 0;
  $("empty").textContent = state.filter
    ? "No conversation matches."
    : "No conversations yet. Post a message below to start one.";
}

function text(id, value) {
  $(id).textContent = value ?? "—";
}

function renderPanel(a) {
  state.panel = a;
  $("panel-title").textContent = `Conversation ${a.conversation_id} · ${messages(a.message_count)}`;
  $("details").hidden = false;
  const escalation = $("escalation");
  escalation.hidden = !a.insights?.requires_escalation;
  escalation.textContent = a.insights?.requires_escalation
    ? `Escalate: ${a.insights.escalation_reason ?? "a person should step in"}` : "";
  const sentiment = $("sentiment");
  sentiment.className = `badge ${a.sentiment?.sentiment ?? ""}`;
  text("sentiment", a.sentiment?.sentiment);
  text("score", a.sentiment ? `score ${a.sentiment.score.toFixed(2)}` : "");
  text("emotion", a.sentiment?.emotion);
  text("intent", a.insights?.intent?.replaceAll("_", " "));
  const urgency = $("urgency");
  urgency.className = `badge ${a.insights?.urgency ?? ""}`;
  text("urgency", a.insights?.urgency);
  const language = a.insights?.language;
  text("language", !language ? "" : a.insights.language_confidence < 0.1 ? `${language} (unsure)` : language);
  const actions = $("actions");
  actions.replaceChildren(...(a.insights?.suggested_actions ?? []).map((s) => {
    const li = document.createElement("li");
    li.textContent = s;
    return li;
  }));
  text("summary", a.summary?.summary);
  text("reply", a.reply?.suggested_reply);
  // The same value found again (a card number the customer repeats) is listed once, with a count.
  const found = new Map();
  for (const e of a.pii?.entities ?? []) {
    const value = `${e.type} ${e.masked}`;
    found.set(value, (found.get(value) ?? 0) + 1);
  }
  text("pii", found.size ? [...found].map(([value, n]) => (n > 1 ? `${value} ×${n}` : value)).join(", ") : "none");
  renderTrend(a.sentiment_trend ?? (a.sentiment ? [{ seq: a.message_count, score: a.sentiment.score }] : []));
  const agents = $("agents");
  agents.replaceChildren(...Object.entries(a.agents ?? {}).sort().map(([name, s]) => {
    const tr = document.createElement("tr");
    const behind = a.message_count - s.seq;
    for (const value of [name, s.provider, behind === 0 ? "current" : `${behind} message(s) behind`, `${s.latency_ms} ms`]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  }));
}

function renderTrend(points) {
  const svg = $("trend");
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const zero = document.createElementNS(ns, "line");
  Object.entries({ x1: 0, x2: 300, y1: 40, y2: 40, stroke: "#d0d7de" }).forEach(([k, v]) => zero.setAttribute(k, v));
  svg.append(zero);
  if (!points.length) return;
  const x = (i) => points.length === 1 ? 150 : 8 + (i * 284) / (points.length - 1);
  const y = (score) => 40 - score * 34;
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", points.map((p, i) => `${x(i)},${y(p.score)}`).join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#0b5cad");
  line.setAttribute("stroke-width", "2");
  svg.append(line);
  points.forEach((p, i) => {
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", x(i));
    dot.setAttribute("cy", y(p.score));
    dot.setAttribute("r", 3);
    dot.setAttribute("fill", p.score < -0.05 ? "#a1131b" : p.score > 0.05 ? "#116329" : "#57606a");
    const title = document.createElementNS(ns, "title");
    title.textContent = `message ${p.seq}: ${p.score.toFixed(2)}`;
    dot.append(title);
    svg.append(dot);
  });
}

// --- Composer and session ----------------------------------------------------------------------

async function send(event) {
  event.preventDefault();
  const form = event.target;
  const status = $("compose-status");
  const conversation = form.conversation.value.trim();
  const { status: code, body } = await api("/v1/messages", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      conversation_id: conversation,
      sender: form.sender.value,
      channel: "chat",
      message: form.message.value,
    }),
  });
  if (code === 202) {
    status.textContent = `Accepted (${body.message_id}). Insights follow within seconds.`;
    form.message.value = "";
    if (state.selected !== conversation) select(conversation);
  } else {
    status.textContent = body?.detail ?? `Failed with status ${code}`;
  }
}

function signOut(message = "") {
  state.stopped = true;
  state.socket?.close();
  state.alertSocket?.close();
  state.analyticsSocket?.close();
  state.today = null;
  state.hours.clear();
  state.alerts.clear();
  state.unseen = 0;
  renderAlerts();
  sessionStorage.removeItem(KEY_STORAGE);
  state.key = null;
  state.conversations.clear();
  state.selected = null;
  state.panel = null;
  state.filter = null;
  state.cursor = null;
  $("search").reset();
  $("app").hidden = true;
  $("login").hidden = false;
  $("sign-out").hidden = true;
  $("login-error").textContent = message;
  setConnection("offline", "Not connected");
}

async function start() {
  state.stopped = false;
  try {
    await api("/v1/conversations?limit=1"); // a wrong key signs out with a message
  } catch (e) {
    return;
  }
  $("login").hidden = true;
  $("app").hidden = false;
  $("sign-out").hidden = false;
  $("login-error").textContent = "";
  route();
  connect();
  connectAlerts();
  connectAnalytics();
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.key = $("api-key").value.trim();
  sessionStorage.setItem(KEY_STORAGE, state.key);
  $("api-key").value = "";
  start();
});
$("sign-out").addEventListener("click", () => signOut());
$("alert-badge").addEventListener("click", () => {
  state.unseen = 0;
  renderAlerts();
});
window.addEventListener("hashchange", () => {
  if (location.hash.startsWith("#/")) route();
});
$("composer").addEventListener("submit", send);
$("search").addEventListener("submit", search);
$("search-clear").addEventListener("click", clearSearch);
$("load-more").addEventListener("click", () => loadList(true));
$("new-conversation").addEventListener("click", () => {
  const id = `chat-${Date.now().toString(36)}`;
  state.selected = null;
  state.panel = null;
  renderList();
  $("compose-conversation").value = id;
  $("compose-message").focus();
});

if (state.key) start();
