// Live audio: the teacher's microphone as 16 kHz 16-bit PCM in binary frames, and the students'
// player with a jitter buffer, a "live" indicator and a local mute. Both sides use AudioWorklets.
const FRAME_MS = 40;

// Why getUserMedia failed, in words that say what to do (the names are the DOMException's).
const MIC_FAILURES = {
  NotAllowedError: "blocked", SecurityError: "blocked", PermissionDeniedError: "blocked",
  NotFoundError: "missing", DevicesNotFoundError: "missing", OverconstrainedError: "missing",
  NotReadableError: "busy", TrackStartError: "busy", AbortError: "busy",
};

// Two buttons take turns in one place: when the one that has the focus hides, the other takes it
// (a hidden button would drop the focus to the page's start).
function swap(hide, show, hidden = true) {
  const hadFocus = document.activeElement === hide;
  hide.classList.toggle("d-none", hidden);
  if (hidden && hadFocus) show.focus();
}

export class TeacherMicrophone {
  constructor({ socket, workletUrl, startButton, stopButton, badge, error, text }) {
    Object.assign(this, { socket, workletUrl, startButton, stopButton, badge, error, text });
    this.context = null;
    this.stream = null;
    this.stats = { framesSent: 0, bytesSent: 0, framesDropped: 0 };
    startButton.addEventListener("click", () => this.start());
    stopButton.addEventListener("click", () => this.stop());
    socket.onStatus((status) => { if (status === "open" && this.stream) socket.send({ type: "audio", state: "start" }); });
  }

  async start() {
    if (this.starting || this.stream) return;
    this.starting = true;
    this.error.classList.add("d-none");
    this.error.textContent = "";
    try {
      if (!navigator.mediaDevices) throw new DOMException("insecure", "InsecureContextError");
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      this.context = new AudioContext({ latencyHint: "interactive" });
      await this.context.audioWorklet.addModule(this.workletUrl);
      const source = this.context.createMediaStreamSource(this.stream);
      const capture = new AudioWorkletNode(this.context, "pcm-capture", {
        numberOfInputs: 1, numberOfOutputs: 0, processorOptions: { frameMs: FRAME_MS },
      });
      capture.port.onmessage = (event) => {
        if (!this.stream) return;  // stopped: frames still in flight are not sent
        if (this.socket.sendBinary(event.data)) {
          this.stats.framesSent += 1;
          this.stats.bytesSent += event.data.byteLength;
        } else {
          this.stats.framesDropped += 1;
        }
      };
      source.connect(capture);
      this.socket.send({ type: "audio", state: "start" });
      this.setLive(true);
    } catch (err) {
      // The start button stays where it was, with the focus: it is how to try again.
      this.release();
      const failure = err.name === "InsecureContextError" ? "insecure" : MIC_FAILURES[err.name];
      this.error.textContent = failure ? this.text.mic[failure] : this.text.micDenied.replace("%(error)s", err.message || err.name);
      this.error.classList.remove("d-none");
    } finally {
      this.starting = false;
    }
  }

  stop() {
    this.release();
    this.socket.send({ type: "audio", state: "stop" });
    this.setLive(false);
  }

  release() {
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    if (this.context) this.context.close();
    this.stream = null;
    this.context = null;
  }

  setLive(live) {
    if (live) {
      this.stopButton.classList.remove("d-none");
      swap(this.startButton, this.stopButton);
    } else {
      this.startButton.classList.remove("d-none");
      swap(this.stopButton, this.startButton);
    }
    this.badge.textContent = live ? this.text.onAir : this.text.offAir;
    this.badge.className = `badge ${live ? "text-bg-danger" : "text-bg-secondary"}`;
  }
}

export class StudentSpeaker {
  constructor({ socket, workletUrl, listenButton, muteButton, badge, text }) {
    Object.assign(this, { socket, workletUrl, listenButton, muteButton, badge, text });
    this.context = null;
    this.node = null;
    this.gain = null;
    this.starting = null;
    this.muted = false;
    this.live = false;
    this.lastFrameAt = 0;
    // What arrived and what was played; the browser test reads these.
    this.stats = { framesReceived: 0, bytesReceived: 0, peakReceived: 0, played: 0, audible: 0, peakPlayed: 0, underruns: 0 };
    socket.onBinary((buffer) => this.onFrame(buffer));
    socket.on("state", (state) => this.setLive(state.audio));
    socket.on("audio_start", () => this.setLive(true));
    socket.on("audio_stop", () => this.setLive(false));
    listenButton.addEventListener("click", () => this.ensureContext());
    muteButton.addEventListener("click", () => this.toggleMute());
    setInterval(() => { if (this.live && performance.now() - this.lastFrameAt > 3000) this.renderBadge(); }, 1000);
  }

  async ensureContext() {
    if (this.context) {
      if (this.context.state === "suspended") await this.context.resume();
      this.showListen();
      return;
    }
    if (this.starting) return this.starting;
    this.starting = (async () => {
      const context = new AudioContext({ latencyHint: "interactive" });
      await context.audioWorklet.addModule(this.workletUrl);
      this.node = new AudioWorkletNode(context, "pcm-player", {
        numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1],
        processorOptions: { targetMs: 120, maxMs: 600 },
      });
      this.node.port.onmessage = (event) => {
        const s = event.data;
        Object.assign(this.stats, { played: s.played, audible: s.audible, peakPlayed: s.peak, underruns: s.underruns });
      };
      this.gain = context.createGain();
      this.gain.gain.value = this.muted ? 0 : 1;
      this.node.connect(this.gain).connect(context.destination);
      this.context = context;
      // Browsers keep audio silent until the person interacts with the page.
      this.showListen();
      context.onstatechange = () => this.showListen();
    })();
    return this.starting;
  }

  // "Click to listen" shows while the browser keeps the audio silent.
  showListen() {
    swap(this.listenButton, this.muteButton, this.context.state === "running");
  }

  onFrame(buffer) {
    const pcm = new Int16Array(buffer);
    const samples = new Float32Array(pcm.length);
    let peak = 0;
    for (let i = 0; i < pcm.length; i++) {
      samples[i] = pcm[i] / 0x8000;
      const level = Math.abs(pcm[i]);
      if (level > peak) peak = level;
    }
    this.stats.framesReceived += 1;
    this.stats.bytesReceived += buffer.byteLength;
    this.stats.peakReceived = Math.max(this.stats.peakReceived, peak);
    this.lastFrameAt = performance.now();
    if (!this.live) this.setLive(true);
    if (!this.context) { this.ensureContext(); return; }
    if (this.node) this.node.port.postMessage(samples, [samples.buffer]);
  }

  setLive(live) {
    this.live = Boolean(live);
    if (this.live) this.ensureContext();
    this.renderBadge();
  }

  renderBadge() {
    this.badge.textContent = this.live ? this.text.onAir : this.text.offAir;
    this.badge.className = `badge ${this.live ? "text-bg-danger" : "text-bg-secondary"}`;
  }

  toggleMute() {
    this.muted = !this.muted;
    if (this.gain) this.gain.gain.value = this.muted ? 0 : 1;
    // A toggle button keeps its name ("Mute"); aria-pressed (and the pressed look) tell the state.
    this.muteButton.setAttribute("aria-pressed", String(this.muted));
    this.muteButton.classList.toggle("active", this.muted);
  }
}
