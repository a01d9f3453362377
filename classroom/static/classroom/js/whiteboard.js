// The shared whiteboard. The board is the server's list of elements (ordered by id) plus the
// pieces of strokes still being drawn; every client renders it the same way from normalised
// 0–1 coordinates, so its size on screen (a phone, a laptop, full screen) never changes where a
// stroke lands. Own strokes are sent while drawn, at most one message per animation frame.
// Frames are asked for only when something changed: an idle board costs nothing.
// The pointer and the keyboard draw through the same three steps (begin, extend, finish); what the
// board holds is also told in words (BoardDescription) for people who cannot see the canvas.
const REF_WIDTH = 1000;  // widths and text sizes are pixels on a board 1000 pixels wide
const REF_HEIGHT = REF_WIDTH * 9 / 16;
const MAX_PIECE = 512;   // numbers per draw message (the server's limit)
const STEP = 10;         // the keyboard cursor's step in board pixels; with Shift, BIG_STEP
const BIG_STEP = 50;

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const round4 = (v) => Math.round(v * 10000) / 10000;
const newSid = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36);

export class Whiteboard {
  constructor({ canvas, socket, me, teacher, tools, note, text, cursor, description }) {
    Object.assign(this, { canvas, socket, me, teacher, tools, note, text, cursor, description });
    this.ctx = canvas.getContext("2d");
    this.elements = new Map();   // id -> element (stored on the server)
    this.live = new Map();       // "user:sid" -> stroke others are drawing now
    this.pending = new Map();    // sid -> own element not yet confirmed by the server
    this.mayDraw = teacher;
    this.current = null;         // own stroke in progress
    this.dragging = null;        // move tool: {element, x0, y0, dx0, dy0, sent}
    this.moveSent = new Map();   // id -> own last move {dx, dy} the server has not echoed yet
    this.cursorAt = [0.5, 0.5];  // the keyboard cursor
    this.piecesDue = 0;          // "board" messages still to come after a "state"
    this.dirty = true;
    this.contentsChanged = true; // the stored elements changed: the description follows
    this.frameRequested = false;

    socket.on("state", (state) => {
      this.limit = state.board_limit;
      this.elements = new Map();  // the stored board follows in "board" pieces
      this.live.clear();
      this.pending.clear();
      this.moveSent.clear();
      this.piecesDue = state.board_pieces || 0;
      this.setMayDraw(state.may_draw);
      this.changed();
      if (!this.piecesDue) this.description.loaded(this.elements);
    });
    socket.on("board", (message) => {
      for (const element of message.elements) this.elements.set(element.id, element);
      this.changed();
      if (this.piecesDue > 0 && --this.piecesDue === 0) this.description.loaded(this.elements);
    });
    socket.on("draw", (message) => this.onDraw(message));
    socket.on("move", ({ id, dx, dy }) => {
      const element = this.elements.get(id);
      const sent = this.moveSent.get(id);
      // Echoes of own earlier moves would pull the element back along its path: skip them until
      // the last one returns (within rounding: the server rounds as round4 does, ties aside).
      const last = sent && Math.abs(sent.dx - dx) < 2e-4 && Math.abs(sent.dy - dy) < 2e-4;
      if (last) this.moveSent.delete(id);
      if ((!sent || last) && element && !(this.dragging && this.dragging.element === element)) {
        Object.assign(element, { dx, dy });
      }
      this.invalidate();
    });
    socket.on("undo", ({ id }) => {
      const element = this.elements.get(id);
      if (element) this.description.removed(element);
      this.elements.delete(id);
      this.changed();
    });
    socket.on("clear", () => {
      this.elements.clear();
      this.live.clear();
      this.description.cleared();
      this.changed();
    });
    socket.on("draw_permission", (message) => this.setMayDraw(message.may_draw));

    new ResizeObserver(() => this.resize()).observe(canvas);
    canvas.addEventListener("pointerdown", (event) => this.pointerDown(event));
    canvas.addEventListener("pointermove", (event) => this.pointerMove(event));
    canvas.addEventListener("pointerup", (event) => this.pointerUp(event));
    canvas.addEventListener("pointercancel", (event) => this.pointerUp(event));
    canvas.addEventListener("keydown", (event) => this.keyDown(event));
    // The cursor shows when the board is reached from the keyboard, not when it is clicked.
    canvas.addEventListener("focus", () => this.showCursor(canvas.matches(":focus-visible")));
    canvas.addEventListener("blur", () => {
      if (this.drawingFromKeyboard()) this.finish();
      this.showCursor(false);
    });
    this.bindTools();
    this.setMayDraw(teacher);  // until the state says otherwise
    this.resize();
    this.schedule();
  }

  // --- Controls ------------------------------------------------------------------------
  bindTools() {
    const { tools } = this;
    this.toolInputs = [...tools.querySelectorAll("input[name=tool]")];
    this.color = tools.querySelector("#board-color");
    this.width = tools.querySelector("#board-width");
    this.textInput = tools.querySelector("#board-text");
    for (const input of this.toolInputs) {
      input.addEventListener("change", () => {
        this.textInput.classList.toggle("d-none", this.tool !== "text");
        if (this.tool === "text") this.textInput.focus();
      });
    }
    this.textInput.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !this.textInput.value.trim()) return;
      event.preventDefault();
      this.canvas.focus();
      this.showCursor(true);
    });
    tools.querySelector("#board-undo").addEventListener("click", () => this.socket.send({ type: "undo" }));
    tools.querySelector("#board-clear")?.addEventListener("click", () => {
      if (confirm(this.text.confirmClear)) this.socket.send({ type: "clear" });
    });
  }

  get tool() { return (this.toolInputs.find((input) => input.checked) || {}).value || "pen"; }

  setMayDraw(mayDraw) {
    this.mayDraw = Boolean(mayDraw);
    if (!this.mayDraw && this.current) {
      // The teacher took the pen mid-stroke: the server stores what it has and sends it back.
      this.pending.delete(this.current.sid);
      this.current = null;
      this.invalidate();
    }
    this.tools.classList.toggle("d-none", !this.mayDraw);
    this.canvas.classList.toggle("can-draw", this.mayDraw);
    // Who may draw reaches the board with Tab and drives it with keys ("application": a screen
    // reader passes the keys through); everyone else meets a described picture.
    if (this.mayDraw) this.canvas.tabIndex = 0;
    else this.canvas.removeAttribute("tabindex");
    this.canvas.setAttribute("role", this.mayDraw ? "application" : "img");
    this.canvas.setAttribute("aria-describedby", this.mayDraw ? "board-keys board-summary" : "board-summary");
    if (!this.mayDraw) this.showCursor(false);
    if (!this.teacher) this.note.textContent = this.mayDraw ? this.text.canDraw : this.text.cannotDraw;
  }

  // --- Messages from the server ----------------------------------------------------------
  onDraw(message) {
    const key = `${message.user}:${message.sid}`;
    if (message.end) {
      this.live.delete(key);
      if (message.user === this.me) this.pending.delete(message.sid);
      this.elements.set(message.element.id, message.element);
      this.trim();
      this.description.added(message.element, { own: message.user === this.me });
      this.contentsChanged = true;
    } else {
      const stroke = this.live.get(key);
      if (stroke) stroke.points.push(...message.points);
      else this.live.set(key, { ...message, points: [...message.points], dx: 0, dy: 0 });
    }
    this.invalidate();
  }

  // The server keeps the newest `limit` elements; so does every client.
  trim() {
    if (!this.limit || this.elements.size <= this.limit) return;
    const ids = [...this.elements.keys()].sort((a, b) => a - b);
    for (const id of ids.slice(0, ids.length - this.limit)) this.elements.delete(id);
  }

  // --- Drawing input: the pointer and the keyboard ---------------------------------------
  point(event) {
    const rect = this.canvas.getBoundingClientRect();
    return [round4(clamp((event.clientX - rect.left) / rect.width, 0, 1)),
            round4(clamp((event.clientY - rect.top) / rect.height, 0, 1))];
  }

  pointerDown(event) {
    if (!this.mayDraw || event.button !== 0) return;
    event.preventDefault();
    this.showCursor(false);
    const [x, y] = this.point(event);
    this.cursorAt = [x, y];  // the keyboard goes on from where the pointer was
    if (this.begin(x, y)) this.canvas.setPointerCapture(event.pointerId);
  }

  pointerMove(event) {
    if (this.dragging) {
      this.extend(...this.point(event));
      return;
    }
    const stroke = this.current;
    if (!stroke || stroke.ended) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) this.extend(...this.point(e));
  }

  pointerUp() { this.finish(); }

  // Arrow keys move the cursor (with the pen down, they draw); Space or Enter puts the pen down
  // or lifts it, places a text, picks up or drops with the move tool; Escape lifts the pen.
  keyDown(event) {
    if (!this.mayDraw || event.altKey || event.ctrlKey || event.metaKey) return;
    const step = (event.shiftKey ? BIG_STEP : STEP);
    const arrows = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const say = (message) => this.description.say(message);
    const words = this.text.board;
    if (event.key in arrows) {
      const [mx, my] = arrows[event.key];
      const [x, y] = this.cursorAt;
      this.cursorAt = [clamp(x + mx / REF_WIDTH, 0, 1), clamp(y + my / REF_HEIGHT, 0, 1)];
      if (this.drawingFromKeyboard()) this.extend(...this.cursorAt.map(round4));
    } else if (event.key === " " || event.key === "Enter") {
      if (this.drawingFromKeyboard()) {
        say(this.dragging ? words.dropped : words.penUp);
        this.finish();
      } else {
        const tool = this.tool;
        this.begin(...this.cursorAt.map(round4), { keyboard: true });
        if (tool === "move") say(this.dragging ? words.pickedUp : words.nothingHere);
        else if (tool !== "text") say(words.penDown);
      }
    } else if (event.key === "Escape" && this.drawingFromKeyboard()) {
      say(this.dragging ? words.dropped : words.penUp);
      this.finish();
    } else {
      return;
    }
    event.preventDefault();
    this.showCursor(document.activeElement === this.canvas);
  }

  drawingFromKeyboard() {
    return Boolean((this.current && this.current.keyboard && !this.current.ended)
      || (this.dragging && this.dragging.keyboard && !this.dragging.final));
  }

  // The pen goes down at x, y (or a text is placed there, or the move tool picks up what is
  // there). True when the pointer should be captured until finish().
  begin(x, y, { keyboard = false } = {}) {
    const tool = this.tool;
    const style = { color: this.color.value, width: Number(this.width.value) };
    if (tool === "text") {
      const text = this.textInput.value.trim();
      if (!text) {
        this.description.say(this.text.board.typeFirst);
        this.textInput.focus();
        return false;
      }
      const element = { tool, ...style, text, size: clamp(16 + style.width * 4, 8, 120), points: [x, y], dx: 0, dy: 0 };
      const sid = newSid();
      if (this.socket.send({ type: "draw", sid, ...element, end: true })) this.pending.set(sid, element);
      this.invalidate();
      return false;
    }
    if (tool === "move") {
      const element = this.hit(x, y);
      if (element) this.dragging = { element, x0: x, y0: y, dx0: element.dx || 0, dy0: element.dy || 0, changed: false, keyboard };
      return true;
    }
    const sid = newSid();
    this.current = { sid, tool, ...style, points: [x, y], unsent: tool === "line" ? [] : [x, y], ended: false, dx: 0, dy: 0, keyboard };
    if (tool === "line") this.current.points = [x, y, x, y];
    this.pending.set(sid, this.current);
    this.invalidate();
    return true;
  }

  // The pen (or what the move tool holds) went on to x, y.
  extend(x, y) {
    if (this.dragging) {
      const { element, x0, y0, dx0, dy0 } = this.dragging;
      element.dx = round4(clamp(dx0 + x - x0, -1, 1));
      element.dy = round4(clamp(dy0 + y - y0, -1, 1));
      this.dragging.changed = true;
      this.invalidate();
      return;
    }
    const stroke = this.current;
    if (!stroke || stroke.ended) return;
    if (stroke.tool === "line") {
      stroke.points = [stroke.points[0], stroke.points[1], x, y];
    } else {
      const n = stroke.points.length;
      if (stroke.points[n - 2] === x && stroke.points[n - 1] === y) return;
      stroke.points.push(x, y);
      stroke.unsent.push(x, y);
    }
    this.invalidate();
  }

  // The pen is lifted: the next frame sends the end of the stroke (or the last move).
  finish() {
    if (this.dragging) {
      this.dragging.final = true;
      this.schedule();
    } else if (this.current) {
      this.current.ended = true;
      this.schedule();
    }
    this.placeCursor();
  }

  showCursor(visible) {
    this.cursorShown = Boolean(visible && this.mayDraw);
    this.placeCursor();
  }

  // The keyboard cursor is an element over the canvas, never drawn into it.
  placeCursor() {
    const { cursor } = this;
    cursor.classList.toggle("d-none", !this.cursorShown);
    cursor.classList.toggle("pen-down", this.drawingFromKeyboard());
    cursor.style.left = `${this.cursorAt[0] * 100}%`;
    cursor.style.top = `${this.cursorAt[1] * 100}%`;
  }

  // The next animation frame runs frame(), once however many changes come before it.
  schedule() {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.frame();
    });
  }

  // In an animation frame after a change: send what was drawn since the last frame, then repaint.
  frame() {
    const stroke = this.current;
    if (stroke && (stroke.unsent.length || stroke.ended)) {
      if (stroke.tool === "line") {
        if (stroke.ended) {
          this.send({ type: "draw", sid: stroke.sid, tool: "line", color: stroke.color, width: stroke.width, points: stroke.points, end: true }, stroke);
          this.current = null;
        }
      } else {
        const piece = stroke.unsent.splice(0, MAX_PIECE);
        const end = stroke.ended && stroke.unsent.length === 0;
        this.send({ type: "draw", sid: stroke.sid, tool: stroke.tool, color: stroke.color, width: stroke.width, points: piece, end }, stroke);
        if (end) this.current = null;
      }
    }
    const drag = this.dragging;
    if (drag && drag.changed) {
      const { id, dx, dy } = drag.element;
      if (this.socket.send({ type: "move", id, dx, dy })) this.moveSent.set(id, { dx, dy });
      drag.changed = false;
    }
    if (drag && drag.final) this.dragging = null;
    if (this.dirty) this.render();
    if (this.contentsChanged) {
      this.contentsChanged = false;
      this.description.update(this.elements);
    }
    // A long stroke leaves in pieces of MAX_PIECE numbers, one per frame.
    if (this.current && this.current.tool !== "line" && this.current.unsent.length) this.schedule();
  }

  send(message, stroke) {
    if (!this.socket.send(message)) {
      // Offline: the stroke cannot reach the others, so it does not stay on this board either.
      this.pending.delete(stroke.sid);
      this.current = null;
      this.invalidate();
    }
  }

  hit(x, y) {
    const ordered = [...this.elements.values()].sort((a, b) => b.id - a.id);
    for (const element of ordered) {
      const box = this.bounds(element);
      const pad = 0.01;
      if (x >= box[0] - pad && x <= box[2] + pad && y >= box[1] - pad && y <= box[3] + pad) return element;
    }
    return null;
  }

  bounds(element) {
    const dx = element.dx || 0, dy = element.dy || 0;
    const p = element.points;
    if (element.tool === "text") {
      this.ctx.font = this.font(element);
      const w = this.ctx.measureText(element.text).width / this.canvas.width;
      const h = (element.size * this.scale()) / this.canvas.height;
      return [p[0] + dx, p[1] + dy, p[0] + dx + w, p[1] + dy + h];
    }
    let box = [1, 1, 0, 0];
    for (let i = 0; i < p.length; i += 2) {
      box = [Math.min(box[0], p[i]), Math.min(box[1], p[i + 1]), Math.max(box[2], p[i]), Math.max(box[3], p[i + 1])];
    }
    return [box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy];
  }

  // --- Rendering -----------------------------------------------------------------------
  invalidate() {
    this.dirty = true;
    this.schedule();
  }

  // The stored elements changed (not only how they look): repaint and describe them again.
  changed() {
    this.contentsChanged = true;
    this.invalidate();
  }

  scale() { return this.canvas.width / REF_WIDTH; }

  font(element) { return `${element.size * this.scale()}px system-ui, sans-serif`; }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.canvas.clientWidth * ratio));
    const height = Math.round(width * 9 / 16);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.render();
    }
  }

  render() {
    this.dirty = false;
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const stored = [...this.elements.values()].sort((a, b) => a.id - b.id);
    for (const element of stored) this.drawElement(element);
    for (const element of this.live.values()) this.drawElement(element);
    for (const element of this.pending.values()) this.drawElement(element);
  }

  drawElement(element) {
    const { ctx, canvas } = this;
    const W = canvas.width, H = canvas.height, p = element.points;
    ctx.save();
    ctx.translate((element.dx || 0) * W, (element.dy || 0) * H);
    if (element.tool === "text") {
      ctx.fillStyle = element.color;
      ctx.font = this.font(element);
      ctx.textBaseline = "top";
      ctx.fillText(element.text, p[0] * W, p[1] * H);  // canvas text: never parsed as HTML
    } else if (p.length >= 2) {
      ctx.globalCompositeOperation = element.tool === "eraser" ? "destination-out" : "source-over";
      ctx.strokeStyle = element.color;
      ctx.lineWidth = element.width * this.scale() * (element.tool === "eraser" ? 3 : 1);
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(p[0] * W, p[1] * H);
      if (p.length === 2) ctx.lineTo(p[0] * W + 0.01, p[1] * H);
      for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i] * W, p[i + 1] * H);
      ctx.stroke();
    }
    ctx.restore();
  }

  // What the board holds, in a canonical form (tests and benchmarks compare clients with it).
  snapshot() {
    const canonical = (element) => Object.fromEntries(Object.keys(element).sort().map((key) => [key, element[key]]));
    return JSON.stringify([...this.elements.values()].sort((a, b) => a.id - b.id).map(canonical));
  }
}

// The board in words, for everyone who cannot see the canvas: a summary (how many texts and
// drawings; it also describes the canvas), the list of its texts in the order they were written,
// and a polite live region that tells what changes: texts as they are written or removed, others'
// drawings counted, the board cleared or loaded. Board changes are told together after a second
// of quiet, so a busy teacher does not flood a screen reader; the pen's state is told at once.
const QUIET_MS = 1000;
const DRAWINGS = new Set(["pen", "line"]);  // eraser strokes take away; they are not counted

export class BoardDescription {
  constructor({ summary, list, live, text }) {
    Object.assign(this, { summary, list, live, text });
    this.plural = new Intl.PluralRules(document.documentElement.lang || "en");
    this.news = [];
    this.newDrawings = 0;
    this.timer = null;
    this.loadedSummary = text.empty;
  }

  count(key, n) {
    const forms = this.text[key];
    return (this.plural.select(n) === "one" ? forms.one : forms.many).replace("%(n)s", n);
  }

  describe(elements) {
    let texts = 0, drawings = 0;
    for (const element of elements.values()) {
      if (element.tool === "text") texts += 1;
      else if (DRAWINGS.has(element.tool)) drawings += 1;
    }
    if (!texts && !drawings) return this.text.empty;
    return this.text.summary.replace("%(texts)s", this.count("texts", texts)).replace("%(drawings)s", this.count("drawings", drawings));
  }

  // The stored elements changed: the summary and the list follow (texts only ever as text).
  update(elements) {
    this.summary.textContent = this.describe(elements);
    const texts = [...elements.values()].filter((e) => e.tool === "text").sort((a, b) => a.id - b.id);
    this.list.replaceChildren(...texts.map((element) => {
      const item = document.createElement("li");
      item.textContent = element.text;
      return item;
    }));
  }

  // The whole board arrived (entering, reconnecting): told when it is not what was told before.
  loaded(elements) {
    const summary = this.describe(elements);
    if (summary !== this.loadedSummary) this.tell(summary);
    this.loadedSummary = summary;
  }

  added(element, { own }) {
    if (element.tool === "text") this.tell(this.text.textAdded.replace("%(text)s", element.text));
    else if (DRAWINGS.has(element.tool) && !own) {
      this.newDrawings += 1;
      this.tell(null);
    }
  }

  removed(element) {
    if (element.tool === "text") this.tell(this.text.textRemoved.replace("%(text)s", element.text));
    else if (DRAWINGS.has(element.tool)) this.tell(this.text.drawingRemoved);
  }

  cleared() {
    this.news = [];
    this.newDrawings = 0;
    this.tell(this.text.cleared);
  }

  // Board news waits for a second of quiet, then is said in one message.
  tell(message) {
    if (message) this.news.push(message);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const parts = this.news.length > 5 ? [...this.news.slice(0, 5), "…"] : this.news;
      if (this.newDrawings) parts.push(this.count("newDrawings", this.newDrawings));
      this.news = [];
      this.newDrawings = 0;
      this.say(parts.join(" "));
    }, QUIET_MS);
  }

  say(message) {
    // The same words twice still change the region's text, so they are read again.
    this.live.textContent = this.live.textContent === message ? `${message}\u00a0` : message;
  }
}

// The board area fills the screen and back (Esc, or the same button). Hidden where the browser
// cannot show an element full screen (iPhone Safari).
export function fullScreenButton({ area, button, text }) {
  if (!document.fullscreenEnabled || !area.requestFullscreen) {
    button.classList.add("d-none");
    return;
  }
  const label = button.querySelector("span"), icon = button.querySelector("i");
  button.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else area.requestFullscreen().catch(() => {});
  });
  // Browsers leave full screen on Esc themselves; this covers those that pass the key on (and
  // keeps Esc for the board while its pen is down).
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented && document.fullscreenElement === area) document.exitFullscreen();
  });
  document.addEventListener("fullscreenchange", () => {
    const full = document.fullscreenElement === area;
    label.textContent = full ? text.exitFullScreen : text.fullScreen;
    icon.className = `bi ${full ? "bi-fullscreen-exit" : "bi-arrows-fullscreen"}`;
  });
}
