// A counting semaphore for bounded concurrency between pipeline stages (FIFO wake-up).
export class Semaphore {
  private readonly waiters: Array<() => void> = [];

  constructor(private free: number) {
    if (free < 1) throw new Error(`Semaphore needs at least 1 slot, got ${free}`);
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}
