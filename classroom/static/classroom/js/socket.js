// The classroom's one WebSocket, shared by the chat, the board and the audio: routes JSON
// messages by their "type" (classroom/events.py) and reports the connection's status. Reconnecting
// is the site's ReconnectingSocket; the close codes that end it come from the page's config.
import { ReconnectingSocket } from "../../js/reconnecting-socket.js";

const MAX_QUEUED_AUDIO = 64000;  // bytes: about 1 s of audio

export class RoomSocket {
  constructor(path, { afterId = () => 0, finalCodes = [] } = {}) {
    this.handlers = new Map();
    this.binaryHandler = null;
    this.statusHandlers = [];
    // A reconnect asks only for the chat messages the page has not seen.
    this.connection = new ReconnectingSocket(() => `${path}?after=${afterId() || 0}`, {
      finalCodes,
      binaryType: "arraybuffer",
      onConnecting: ({ attempt }) => this.emitStatus(attempt ? "reconnecting" : "connecting"),
      onOpen: () => this.emitStatus("open"),
      onMessage: (data) => this.dispatch(data),
      onClose: ({ code, final }) => this.emitStatus(final ? "closed" : "reconnecting", code),
    });
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(handler);
    return this;
  }

  onBinary(handler) { this.binaryHandler = handler; return this; }

  // handler(status, closeCode): status is "connecting", "open", "reconnecting" or "closed".
  onStatus(handler) { this.statusHandlers.push(handler); return this; }

  get isOpen() { return this.connection.isOpen; }

  connect() { this.connection.open(); }

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

  send(message) { return this.connection.send(JSON.stringify(message)); }

  // A socket that cannot keep up drops audio frames, not the lesson.
  sendBinary(buffer) { return this.connection.send(buffer, { maxBuffered: MAX_QUEUED_AUDIO }); }
}
