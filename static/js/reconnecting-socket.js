// One WebSocket that comes back by itself, for every live part of the site (the classroom and the
// notification badge). After a drop it reconnects with exponential backoff and jitter (so a
// restarted server is not hit by every open tab at once), and it stops for good on the close
// codes the page says are final: the server refused this user, and asking again would not help.
//
//   const socket = new ReconnectingSocket("/ws/…/", {
//     finalCodes: [4401],                  // from the page's config, never written here
//     onOpen() {}, onMessage(data) {},     // data: a string, or an ArrayBuffer/Blob
//     onClose({ code, final, delay }) {},  // final: no more attempts; else the next one in `delay` ms
//     onConnecting({ attempt }) {},        // attempt 0 is the first connection
//   });
//   socket.open();
//   socket.send(text) || showOffline();    // false: not sent (closed, or too much queued)

export class ReconnectingSocket {
  // url: a path ("/ws/notifications/") or a function returning one, called before every attempt
  // so that a reconnect can say what the page already has (e.g. "?after=<last message id>").
  constructor(url, {
    finalCodes = [], binaryType = "blob", minDelay = 500, maxDelay = 30000,
    onConnecting = () => {}, onOpen = () => {}, onMessage = () => {}, onClose = () => {},
  } = {}) {
    this.url = typeof url === "function" ? url : () => url;
    this.finalCodes = new Set(Array.from(finalCodes, Number));
    Object.assign(this, { binaryType, minDelay, maxDelay, onConnecting, onOpen, onMessage, onClose });
    this.ws = null;
    this.attempt = 0;   // failed attempts since the last open socket: the backoff's exponent
    this.timer = null;  // the pending reconnect
    this.stopped = true;
  }

  get isOpen() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN; }

  // Start, or after a final close start again; while waiting to reconnect, reconnect now.
  open() {
    this.stopped = false;
    if (this.ws !== null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.connect();
  }

  // Close and stay closed: an open socket is closed (onClose reports it as final), a pending
  // reconnect is called off.
  close(code = 1000, reason = "") {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.ws !== null) this.ws.close(code, reason);
  }

  // Hand `data` to the socket; false when it is not open or more than `maxBuffered` bytes are
  // still waiting to leave (a connection that cannot keep up drops data instead of queueing it).
  send(data, { maxBuffered = Infinity } = {}) {
    if (!this.isOpen || this.ws.bufferedAmount > maxBuffered) return false;
    try {
      this.ws.send(data);
    } catch {
      return false;
    }
    return true;
  }

  // One attempt. Called by open() and by the backoff timer (through `this`, so a test can
  // replace it to keep the socket down).
  connect() {
    if (this.stopped || this.ws !== null) return;
    this.timer = null;
    this.onConnecting({ attempt: this.attempt });
    let ws;
    try {
      ws = new WebSocket(absolute(this.url()));
    } catch {
      this.retry(1006);  // e.g. a URL the browser refuses: try later, like any failed attempt
      return;
    }
    ws.binaryType = this.binaryType;
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.onOpen();
    });
    ws.addEventListener("message", (event) => {
      if (this.ws === ws) this.onMessage(event.data);
    });
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped || this.finalCodes.has(event.code)) {
        this.stopped = true;
        this.onClose({ code: event.code, reason: event.reason, final: true, delay: null });
        return;
      }
      this.retry(event.code, event.reason);
    });
  }

  retry(code, reason = "") {
    // "Equal jitter": between half and all of min(maxDelay, minDelay · 2^attempt), so 0.25–0.5 s,
    // 0.5–1 s, 1–2 s … up to 15–30 s with the defaults.
    const ceiling = Math.min(this.maxDelay, this.minDelay * 2 ** this.attempt);
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
    this.onClose({ code, reason, final: false, delay });
  }
}

function absolute(path) {
  const url = new URL(path, location.href);
  if (url.protocol === "https:") url.protocol = "wss:";
  else if (url.protocol === "http:") url.protocol = "ws:";
  return url.href;
}
