// Chat and the online list. Messages go over the socket when it is open and through the HTTP
// endpoint when it is not; while the socket is down new messages are fetched by polling.
const POLL_MS = 3000;

function csrfToken(form) {
  const field = form.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// One clock for every chat message, loaded with the page or arriving live: the browser's locale,
// from the message's ISO time. (The server's text in a loaded <time> is the no-JavaScript fallback.)
const clock = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function showTime(time, iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return;  // keep the server's text
  time.dateTime = iso;
  time.textContent = clock.format(date);
  time.title = fullDate.format(date);
}

// A small avatar beside a name (which says who it is, so the picture is hidden from screen
// readers): the photo, or the initial on a disc as everywhere on the site.
function avatar(person) {
  if (person.photo) {
    const img = el("img", "avatar avatar-xs rounded-circle");
    img.src = person.photo;
    img.alt = "";
    img.width = img.height = 24;
    img.loading = "lazy";
    return img;
  }
  const disc = el("span", "avatar avatar-initial avatar-xs rounded-circle", person.initial || (person.name || "?").slice(0, 1).toUpperCase());
  disc.setAttribute("aria-hidden", "true");
  return disc;
}

export class Chat {
  // maxLength: the longest message the server takes; maxLines: how many lines (messages and
  // join/leave notices) the log keeps, older ones leave the page so a long lesson stays light.
  constructor({ log, form, input, error, socket, messagesUrl, lastId, maxLength, maxLines, text }) {
    Object.assign(this, { log, form, input, error, socket, messagesUrl, maxLength, maxLines, text });
    this.lastId = lastId;
    this.seen = new Set([...log.querySelectorAll("[data-id]")].map((li) => Number(li.dataset.id)));
    this.dropped = 0;  // the newest message id trimmed from the log: older ones are not shown again
    log.querySelectorAll(".chat-line time[datetime]").forEach((time) => showTime(time, time.dateTime));
    this.pollTimer = null;
    form.addEventListener("submit", (event) => { event.preventDefault(); this.submit(); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); this.submit(); }
    });
    socket.on("chat", (message) => this.add(message));
    socket.on("state", (state) => state.chat.forEach((message) => this.add(message)));
    socket.on("join", (message) => this.notice(format(text.joined, message)));
    socket.on("leave", (message) => this.notice(format(text.left, message)));
    this.trim();
    this.scrollToEnd();
  }

  add(message) {
    if (this.seen.has(message.id) || message.id <= this.dropped) return;
    this.seen.add(message.id);
    this.lastId = Math.max(this.lastId, message.id);
    this.log.querySelector(".chat-empty")?.remove();
    const li = document.createElement("div");
    li.className = "chat-line";
    li.dataset.id = message.id;
    const who = document.createElement("span");
    who.className = "fw-semibold" + (message.role === "teacher" ? " text-brand" : "");
    who.textContent = message.name;
    const when = document.createElement("time");
    when.className = "small text-body-secondary";
    showTime(when, message.at);
    const body = document.createElement("div");
    body.className = "chat-body";
    body.textContent = message.message;  // text, never HTML
    li.append(avatar(message), " ", who, " ", when, body);
    // Messages can arrive out of order (socket + polling); keep the log sorted by id.
    const later = [...this.log.querySelectorAll("[data-id]")].find((el) => Number(el.dataset.id) > message.id);
    this.log.insertBefore(li, later || null);
    this.trim();
    this.scrollToEnd();
  }

  notice(text) {
    const li = document.createElement("div");
    li.className = "chat-notice small text-body-secondary fst-italic";
    li.textContent = text;
    this.log.append(li);
    this.trim();
    this.scrollToEnd();
  }

  // Keep the newest maxLines lines.
  trim() {
    let excess = this.log.childElementCount - this.maxLines;
    while (excess-- > 0) {
      const oldest = this.log.firstElementChild;
      if (oldest.dataset.id) {
        const id = Number(oldest.dataset.id);
        this.seen.delete(id);
        this.dropped = Math.max(this.dropped, id);
      }
      oldest.remove();
    }
  }

  scrollToEnd() { this.log.scrollTop = this.log.scrollHeight; }

  async submit() {
    const message = this.input.value.trim();
    this.error.textContent = "";
    if (!message) return;
    if (message.length > this.maxLength) {
      this.error.textContent = this.text.tooLong || "";
      return;
    }
    if (this.socket.send({ type: "chat", message })) {
      this.input.value = "";
      return;
    }
    // The live connection is down: send through the HTTP fallback.
    try {
      const response = await fetch(this.messagesUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(this.form) },
        body: new URLSearchParams({ message }),
        credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) { this.error.textContent = data.error || this.text.sendFailed; return; }
      this.input.value = "";
      this.add(data.message);
    } catch {
      this.error.textContent = this.text.sendFailed;
    }
  }

  // Called with the socket's status: poll only while it is down.
  setLive(live) {
    if (live) {
      clearInterval(this.pollTimer);
      this.pollTimer = null;
    } else if (this.pollTimer === null) {
      this.pollTimer = setInterval(() => this.poll(), POLL_MS);
    }
  }

  async poll() {
    try {
      const response = await fetch(`${this.messagesUrl}?after=${this.lastId}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      data.messages.forEach((message) => this.add(message));
    } catch { /* still offline; try again next time */ }
  }
}

export class OnlineList {
  // cardUrl: a member's profile card (bio, status), with USERNAME in place of the username;
  // fetched the first time the card is opened.
  constructor({ list, count, socket, me, teacher, cardUrl, text }) {
    Object.assign(this, { list, count, socket, me, teacher, cardUrl, text });
    this.online = [];
    this.items = new Map();  // username -> its list item, kept across renders (focus, open card)
    this.permissions = { all: false, users: [] };
    const replace = (message) => { this.online = message.online; this.render(); };
    socket.on("state", (state) => { this.permissions = state.draw; replace(state); });
    socket.on("online", replace);
    socket.on("join", ({ type, ...person }) => {
      if (!this.online.some((known) => known.user === person.user)) {
        this.online.push(person);
        this.online.sort((a, b) => (a.role !== "teacher") - (b.role !== "teacher") || a.name.localeCompare(b.name));
      }
      this.render();
    });
    socket.on("leave", ({ user }) => { this.online = this.online.filter((person) => person.user !== user); this.render(); });
    socket.on("draw_permission", (message) => { this.permissions = message; this.render(); });
    // (Escape closes an open card: static/js/site.js, for every profile card of the site.)
  }

  // Update the list in place: the items of people still online stay the same elements, so a
  // focused summary or switch keeps its focus and an open card stays open through the heartbeat.
  render() {
    this.count.textContent = String(this.online.length);
    const items = new Map();
    for (const person of this.online) {
      const item = this.items.get(person.user) || this.item(person);
      this.fill(item, person);
      items.set(person.user, item);
    }
    for (const [user, item] of this.items) if (!items.has(user)) item.li.remove();
    this.items = items;
    let next = this.list.firstElementChild;
    for (const { li } of items.values()) {
      if (li === next) next = next.nextElementSibling;
      else this.list.insertBefore(li, next);
    }
  }

  item(person) {
    const li = el("li", "d-flex align-items-start justify-content-between gap-2 py-1");
    li.dataset.user = person.user;
    const card = el("details", "person-card flex-grow-1 min-w-0");
    const summary = el("summary", "person-card-summary");
    const body = el("div", "person-card-body small", this.text.loading);
    card.append(summary, body);
    li.append(card);
    const item = { li, card, summary, body, loaded: false, box: null };
    card.addEventListener("toggle", () => { if (card.open && !item.loaded) this.load(item, person.user); });
    if (this.teacher && person.role === "student") {
      // The teacher lets one student draw.
      const wrap = document.createElement("div");
      wrap.className = "form-check form-switch mb-0 small text-nowrap";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.className = "form-check-input";
      box.role = "switch";
      box.id = `may-draw-${person.user}`;
      box.addEventListener("change", () =>
        this.socket.send({ type: "draw_permission", user: person.user, allowed: box.checked }));
      const label = document.createElement("label");
      label.className = "form-check-label";
      label.htmlFor = box.id;
      label.textContent = this.text.mayDraw;
      label.setAttribute("aria-label", `${this.text.mayDraw}: ${person.name}`);
      wrap.append(box, label);
      li.append(wrap);
      item.box = box;
    }
    return item;
  }

  fill(item, person) {
    const parts = [avatar(person), el("span", "min-w-0 text-truncate", person.name)];
    if (person.role === "teacher" || person.user === this.me) {
      parts.push(el("span", "badge text-bg-light border", person.user === this.me ? this.text.you : this.text.teacher));
    }
    const chevron = el("i", "bi bi-chevron-down person-card-chevron");
    chevron.setAttribute("aria-hidden", "true");
    item.summary.replaceChildren(...parts, chevron, el("span", "visually-hidden", this.text.profile));
    if (item.box) {
      // While every student may draw, the single switches show that, and wait.
      item.box.checked = this.permissions.all || this.permissions.users.includes(person.user);
      item.box.disabled = this.permissions.all;
    }
  }

  // The card's inside is the server's (the same markup as on the course page and the roster);
  // the server decides whether this user may see it.
  async load(item, user) {
    item.body.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(this.cardUrl.replace("USERNAME", encodeURIComponent(user)), { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      // Parsed as an inert document (scripts never run there; the page's policy forbids them too).
      const card = new DOMParser().parseFromString(await response.text(), "text/html");
      item.body.replaceChildren(...card.body.childNodes);
      item.loaded = true;
    } catch {
      item.body.textContent = this.text.cardFailed;
    } finally {
      item.body.removeAttribute("aria-busy");
    }
  }
}
