// AudioWorklet processors for the classroom (they run on the audio thread).
// pcm-capture: microphone -> 16 kHz mono 16-bit PCM frames posted to the page.
// pcm-player:  16 kHz samples from the page -> speakers, through a small jitter buffer.
const RATE = 16000;

class PcmCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const frameMs = (options.processorOptions && options.processorOptions.frameMs) || 40;
    this.frameSamples = Math.round(RATE * frameMs / 1000);
    this.ratio = sampleRate / RATE;  // e.g. 3 for 48 kHz, 2.75625 for 44.1 kHz
    this.sum = 0;
    this.count = 0;
    this.phase = 0;
    this.frame = new Int16Array(this.frameSamples);
    this.filled = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || !input.length) return true;
    const channels = input.length;
    const length = input[0].length;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (let c = 0; c < channels; c++) sample += input[c][i];
      // Averaging the input samples that fall in one output period is the low-pass filter
      // that keeps frequencies above 8 kHz from folding back as noise.
      this.sum += sample / channels;
      this.count += 1;
      this.phase += 1;
      if (this.phase >= this.ratio) {
        this.phase -= this.ratio;
        const value = Math.max(-1, Math.min(1, this.sum / this.count));
        this.sum = 0;
        this.count = 0;
        this.frame[this.filled++] = value < 0 ? value * 0x8000 : value * 0x7fff;
        if (this.filled === this.frameSamples) {
          this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
          this.frame = new Int16Array(this.frameSamples);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

class PcmPlayer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = options.processorOptions || {};
    this.target = Math.round(RATE * (opts.targetMs || 120) / 1000);  // start after this much
    this.max = Math.round(RATE * (opts.maxMs || 600) / 1000);        // never lag more than this
    this.buffer = new Float32Array(RATE * 4);
    this.read = 0;   // fractional read position (16 kHz samples, absolute)
    this.write = 0;  // absolute write position
    this.playing = false;
    this.step = RATE / sampleRate;
    this.stats = { played: 0, audible: 0, peak: 0, underruns: 0, skipped: 0 };
    this.reportAt = 0;
    this.port.onmessage = (event) => this.push(event.data);
  }

  push(samples) {
    const size = this.buffer.length;
    for (let i = 0; i < samples.length; i++) this.buffer[(this.write + i) % size] = samples[i];
    this.write += samples.length;
    if (this.write - this.read > this.max) {
      // Fell behind (a stall, a burst): jump forward to the target delay.
      const skip = this.write - this.target - Math.floor(this.read);
      this.read += skip;
      this.stats.skipped += skip;
    }
  }

  process(inputs, outputs) {
    const out = outputs[0][0];
    const size = this.buffer.length;
    const available = this.write - this.read;
    if (!this.playing && available >= this.target) this.playing = true;
    for (let i = 0; i < out.length; i++) {
      if (!this.playing || this.write - this.read < 2) {
        if (this.playing) { this.playing = false; this.stats.underruns += 1; }
        out[i] = 0;
        continue;
      }
      const index = Math.floor(this.read);
      const frac = this.read - index;
      const a = this.buffer[index % size], b = this.buffer[(index + 1) % size];
      const value = a + (b - a) * frac;
      out[i] = value;
      this.read += this.step;
      this.stats.played += 1;
      const level = Math.abs(value);
      if (level > 0.01) this.stats.audible += 1;
      if (level > this.stats.peak) this.stats.peak = level;
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    if (currentTime >= this.reportAt) {
      this.reportAt = currentTime + 0.25;
      this.port.postMessage({ ...this.stats, buffered: this.write - this.read });
    }
    return true;
  }
}

registerProcessor("pcm-capture", PcmCapture);
registerProcessor("pcm-player", PcmPlayer);
