// Progress reporting on stderr: a redrawn bar on a terminal, periodic plain lines otherwise
// (CI logs, pipes). Results never go to stderr; machine-readable output stays on stdout.
export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  /** Minimum milliseconds between redraws (terminal) or lines (non-terminal). */
  intervalMs?: number;
  quiet?: boolean;
}

export class Progress {
  private done = 0;
  private readonly start = Date.now();
  private lastDraw = 0;
  private extra = '';
  private lastState = '';
  private readonly stream: NodeJS.WriteStream;
  private readonly interval: number;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.interval = opts.intervalMs ?? (this.stream.isTTY ? 100 : 5000);
  }

  /** Advance by n and optionally set a short status text (e.g. "loss 1.23"). */
  tick(n = 1, status?: string): void {
    this.done += n;
    if (status !== undefined) this.extra = status;
    const now = Date.now();
    if (now - this.lastDraw >= this.interval || this.done >= this.opts.total) {
      this.lastDraw = now;
      this.draw();
    }
  }

  set(done: number, status?: string): void {
    this.tick(done - this.done, status);
  }

  finish(status?: string): void {
    if (status !== undefined) this.extra = status;
    this.draw();
    if (this.stream.isTTY && !this.opts.quiet) this.stream.write('\n');
  }

  private draw(): void {
    if (this.opts.quiet) return;
    const { total, label } = this.opts;
    const frac = total > 0 ? Math.min(1, this.done / total) : 1;
    const elapsed = (Date.now() - this.start) / 1000;
    const eta = frac > 0 && frac < 1 ? (elapsed / frac) * (1 - frac) : 0;
    const text = `${label} ${this.done}/${total} ${(frac * 100).toFixed(0)}% ${elapsed.toFixed(0)}s${
      eta ? ` eta ${eta.toFixed(0)}s` : ''
    }${this.extra ? ` ${this.extra}` : ''}`;
    const state = `${this.done}|${this.extra}`;
    if (!this.stream.isTTY && state === this.lastState) return; // finish() right after the last tick
    this.lastState = state;
    if (this.stream.isTTY) {
      const width = 24;
      const filled = Math.round(frac * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
    } else {
      this.stream.write(`${text}\n`);
    }
  }
}
