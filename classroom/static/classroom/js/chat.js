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

export class Chat {
  // maxLength: the longest message the server takes; maxLines: how many lines (messages and
  // join/leave notices) the log keeps, older ones leave the page so a long lesson stays light.
  constructor({ log, form, input, error, socket, messagesUrl, lastId, maxLength, maxLines, text }) {
    Object.assign(this, { log, form, input, error, socket, messagesUrl, maxLength, maxLines, text });
    this.lastId = lastId;
    this.seen = new Set([...log.querySelectorAll("[data-id]")].map((li) => Number(li.dataset.id)));
    this.dropped = 0;  // the newest message id trimmed from the log: older ones are not shown again
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
    when.dateTime = message.at;
    when.textContent = new Date(message.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const body = document.createElement("div");
    body.className = "chat-body";
    body.textContent = message.message;  // text, never HTML
    li.append(who, " ", when, body);
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
  constructor({ list, count, socket, me, teacher, text }) {
    Object.assign(this, { list, count, socket, me, teacher, text });
    this.online = [];
    this.permissions = { all: false, users: [] };
    const replace = (message) => { this.online = message.online; this.render(); };
    socket.on("state", (state) => { this.permissions = state.draw; replace(state); });
    socket.on("online", replace);
    socket.on("join", ({ user, name, role }) => {
      if (!this.online.some((person) => person.user === user)) {
        this.online.push({ user, name, role });
        this.online.sort((a, b) => (a.role !== "teacher") - (b.role !== "teacher") || a.name.localeCompare(b.name));
      }
      this.render();
    });
    socket.on("leave", ({ user }) => { this.online = this.online.filter((person) => person.user !== user); this.render(); });
    socket.on("draw_permission", (message) => { this.permissions = message; this.render(); });
  }

  render() {
    this.count.textContent = String(this.online.length);
    this.list.replaceChildren(...this.online.map((person) => this.item(person)));
  }

  item(person) {
    const li = document.createElement("li");
    li.className = "d-flex align-items-center justify-content-between gap-2 py-1";
    li.dataset.user = person.user;
    const name = document.createElement("span");
    name.className = "min-w-0 text-truncate";
    name.textContent = person.name;
    if (person.role === "teacher" || person.user === this.me) {
      const tag = document.createElement("span");
      tag.className = "badge text-bg-light border ms-1";
      tag.textContent = person.user === this.me ? this.text.you : this.text.teacher;
      name.append(" ", tag);
    }
    li.append(name);
    if (this.teacher && person.role === "student") {
      // The teacher lets one student draw.
      const wrap = document.createElement("div");
      wrap.className = "form-check form-switch mb-0 small";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.className = "form-check-input";
      box.role = "switch";
      box.id = `may-draw-${person.user}`;
      // While every student may draw, the single switches show that, and wait.
      box.checked = this.permissions.all || this.permissions.users.includes(person.user);
      box.disabled = this.permissions.all;
      box.addEventListener("change", () =>
        this.socket.send({ type: "draw_permission", user: person.user, allowed: box.checked }));
      const label = document.createElement("label");
      label.className = "form-check-label";
      label.htmlFor = box.id;
      label.textContent = this.text.mayDraw;
      label.setAttribute("aria-label", `${this.text.mayDraw}: ${person.name}`);
      wrap.append(box, label);
      li.append(wrap);
    }
    return li;
  }
}
