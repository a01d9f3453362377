// The shared whiteboard. The board is the server's list of elements (ordered by id) plus the
// pieces of strokes still being drawn; every client renders it the same way from normalised
// 0–1 coordinates. Own strokes are sent while drawn, at most one message per animation frame.
// Frames are asked for only when something changed: an idle board costs nothing.
const REF_WIDTH = 1000;  // widths and text sizes are pixels on a board 1000 pixels wide
const MAX_PIECE = 512;   // numbers per draw message (the server's limit)

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const round4 = (v) => Math.round(v * 10000) / 10000;
const newSid = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36);

export class Whiteboard {
  constructor({ canvas, socket, me, teacher, tools, note, text }) {
    Object.assign(this, { canvas, socket, me, teacher, tools, note, text });
    this.ctx = canvas.getContext("2d");
    this.elements = new Map();   // id -> element (stored on the server)
    this.live = new Map();       // "user:sid" -> stroke others are drawing now
    this.pending = new Map();    // sid -> own element not yet confirmed by the server
    this.mayDraw = teacher;
    this.current = null;         // own stroke in progress
    this.dragging = null;        // move tool: {element, x0, y0, dx0, dy0, sent}
    this.moveSent = new Map();   // id -> own last move {dx, dy} the server has not echoed yet
    this.dirty = true;
    this.frameRequested = false;

    socket.on("state", (state) => {
      this.limit = state.board_limit;
      this.elements = new Map();  // the stored board follows in "board" pieces
      this.live.clear();
      this.pending.clear();
      this.moveSent.clear();
      this.setMayDraw(state.may_draw);
      this.invalidate();
    });
    socket.on("board", (message) => {
      for (const element of message.elements) this.elements.set(element.id, element);
      this.invalidate();
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
    socket.on("undo", ({ id }) => { this.elements.delete(id); this.invalidate(); });
    socket.on("clear", () => { this.elements.clear(); this.live.clear(); this.invalidate(); });
    socket.on("draw_permission", (message) => this.setMayDraw(message.may_draw));

    new ResizeObserver(() => this.resize()).observe(canvas);
    canvas.addEventListener("pointerdown", (event) => this.pointerDown(event));
    canvas.addEventListener("pointermove", (event) => this.pointerMove(event));
    canvas.addEventListener("pointerup", (event) => this.pointerUp(event));
    canvas.addEventListener("pointercancel", (event) => this.pointerUp(event));
    this.bindTools();
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

  // --- Drawing input -------------------------------------------------------------------
  point(event) {
    const rect = this.canvas.getBoundingClientRect();
    return [round4(clamp((event.clientX - rect.left) / rect.width, 0, 1)),
            round4(clamp((event.clientY - rect.top) / rect.height, 0, 1))];
  }

  pointerDown(event) {
    if (!this.mayDraw || event.button !== 0) return;
    event.preventDefault();
    const [x, y] = this.point(event);
    const tool = this.tool;
    const style = { color: this.color.value, width: Number(this.width.value) };
    if (tool === "text") {
      const text = this.textInput.value.trim();
      if (!text) { this.textInput.focus(); return; }
      const element = { tool, ...style, text, size: clamp(16 + style.width * 4, 8, 120), points: [x, y], dx: 0, dy: 0 };
      const sid = newSid();
      if (this.socket.send({ type: "draw", sid, ...element, end: true })) this.pending.set(sid, element);
      this.invalidate();
      return;
    }
    this.canvas.setPointerCapture(event.pointerId);
    if (tool === "move") {
      const element = this.hit(x, y);
      if (element) this.dragging = { element, x0: x, y0: y, dx0: element.dx || 0, dy0: element.dy || 0, changed: false };
      return;
    }
    const sid = newSid();
    this.current = { sid, tool, ...style, points: [x, y], unsent: tool === "line" ? [] : [x, y], ended: false, dx: 0, dy: 0 };
    if (tool === "line") this.current.points = [x, y, x, y];
    this.pending.set(sid, this.current);
    this.invalidate();
  }

  pointerMove(event) {
    if (this.dragging) {
      const [x, y] = this.point(event);
      const { element, x0, y0, dx0, dy0 } = this.dragging;
      element.dx = round4(clamp(dx0 + x - x0, -1, 1));
      element.dy = round4(clamp(dy0 + y - y0, -1, 1));
      this.dragging.changed = true;
      this.invalidate();
      return;
    }
    const stroke = this.current;
    if (!stroke || stroke.ended) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) {
      const [x, y] = this.point(e);
      if (stroke.tool === "line") {
        stroke.points = [stroke.points[0], stroke.points[1], x, y];
      } else {
        const n = stroke.points.length;
        if (stroke.points[n - 2] === x && stroke.points[n - 1] === y) continue;
        stroke.points.push(x, y);
        stroke.unsent.push(x, y);
      }
    }
    this.invalidate();
  }

  pointerUp() {
    if (this.dragging) {
      this.dragging.final = true;
      this.schedule();
      return;
    }
    if (this.current) {
      this.current.ended = true;
      this.schedule();
    }
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
