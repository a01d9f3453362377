// The classroom's one WebSocket: reconnects with backoff after a drop and stops for good when the
// server refuses the user (close codes 4003/4401/4403/4404/4008, see classroom/events.py).
const FINAL_CODES = new Set([4003, 4008, 4401, 4403, 4404]);

export class RoomSocket {
  constructor(path, { afterId = () => 0 } = {}) {
    this.path = path;
    this.afterId = afterId;
    this.handlers = new Map();
    this.binaryHandler = null;
    this.statusHandlers = [];
    this.attempt = 0;
    this.ws = null;
    this.closedForGood = false;
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(handler);
    return this;
  }

  onBinary(handler) { this.binaryHandler = handler; return this; }

  // handler(status, closeCode): status is "connecting", "open", "reconnecting" or "closed".
  onStatus(handler) { this.statusHandlers.push(handler); return this; }

  get isOpen() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN; }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${location.host}${this.path}?after=${this.afterId() || 0}`;
    this.emitStatus(this.attempt ? "reconnecting" : "connecting");
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.addEventListener("open", () => { this.attempt = 0; this.emitStatus("open"); });
    ws.addEventListener("message", (event) => this.dispatch(event.data));
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (FINAL_CODES.has(event.code)) {
        this.closedForGood = true;
        this.emitStatus("closed", event.code);
        return;
      }
      // 0.5 s, 1 s, 2 s … up to 30 s, with jitter so a restarted server is not stampeded.
      const delay = Math.min(30000, 500 * 2 ** this.attempt) * (0.7 + Math.random() * 0.6);
      this.attempt += 1;
      this.emitStatus("reconnecting", event.code);
      setTimeout(() => this.connect(), delay);
    });
  }

  dispatch(data) {
    if (data instanceof ArrayBuffer) {
      if (this.binaryHandler) this.binaryHandler(data);
      return;
    }
    let message;
    try { message = JSON.parse(data); } catch { return; }
    for (const handler of this.handlers.get(message.type) || []) handler(message);
  }

  emitStatus(status, code) {
    for (const handler of this.statusHandlers) handler(status, code);
  }

  send(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  sendBinary(buffer) {
    // A socket that cannot keep up (more than ~1 s of audio queued) drops frames, not the lesson.
    if (!this.isOpen || this.ws.bufferedAmount > 64000) return false;
    this.ws.send(buffer);
    return true;
  }
}
