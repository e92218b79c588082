// Least-outstanding-requests router over several endpoints with bounded concurrency: a request for a
// model goes to the endpoint serving it with the fewest requests in flight per unit of weight, within
// each endpoint's own limit and a global limit; when all are full, callers wait in FIFO order. An
// endpoint that keeps failing cools down (skipped while others can serve), since a dead server answers
// fastest and would otherwise draw the most traffic.
export interface RoutedEndpoint {
  name: string;
  /** Models served; empty means any model. */
  models: string[];
  weight: number;
  maxConcurrency: number;
}

export interface Lease<E extends RoutedEndpoint> {
  endpoint: E;
  release(): void;
}

interface Waiter<E extends RoutedEndpoint> {
  model: string;
  avoid?: string;
  resolve: (lease: Lease<E>) => void;
}

export class Router<E extends RoutedEndpoint> {
  private readonly inFlight: Map<string, number>;
  private total = 0;
  private readonly waiters: Array<Waiter<E>> = [];
  private readonly health = new Map<string, { failures: number; coolUntil: number }>();

  constructor(
    readonly endpoints: readonly E[],
    private readonly concurrency = Infinity,
    /** First cooldown after a failure; doubles per consecutive failure up to 32×. */
    private readonly cooldownMs = 1_000,
  ) {
    if (endpoints.length === 0) throw new Error('router needs at least one endpoint');
    this.inFlight = new Map(endpoints.map((e) => [e.name, 0]));
  }

  serves(model: string): boolean {
    return this.endpoints.some((e) => servesModel(e, model));
  }

  outstanding(name: string): number {
    return this.inFlight.get(name) ?? 0;
  }

  /** Reports a server-side failure (network, timeout, 5xx) of a request sent to `name`. */
  markFailure(name: string, now = Date.now()): void {
    const h = this.health.get(name) ?? { failures: 0, coolUntil: 0 };
    h.failures++;
    h.coolUntil = now + this.cooldownMs * 2 ** Math.min(5, h.failures - 1);
    this.health.set(name, h);
  }

  markSuccess(name: string): void {
    this.health.delete(name);
  }

  cooling(name: string, now = Date.now()): boolean {
    return (this.health.get(name)?.coolUntil ?? 0) > now;
  }

  /** Waits for a slot; `avoid` names an endpoint to skip when another one is free (e.g. after a failure). */
  acquire(model: string, avoid?: string, signal?: AbortSignal): Promise<Lease<E>> {
    if (!this.serves(model)) return Promise.reject(new Error(`no endpoint serves model "${model}"`));
    const now = this.tryGrant(model, avoid);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<E> = { model, avoid, resolve };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) {
            this.waiters.splice(i, 1);
            reject(new Error('aborted while waiting for a free endpoint'));
          }
        },
        { once: true },
      );
    });
  }

  private pick(model: string, avoid?: string): E | undefined {
    if (this.total >= this.concurrency) return undefined;
    const now = Date.now();
    let best: E | undefined;
    let bestLoad = Infinity;
    let fallback: E | undefined;
    let fallbackLoad = Infinity;
    for (const e of this.endpoints) {
      const n = this.inFlight.get(e.name) ?? 0;
      if (!servesModel(e, model) || n >= e.maxConcurrency) continue;
      const load = (n + 1) / e.weight;
      // Endpoints that just failed (or are cooling down) serve only when nothing healthier is free.
      if (e.name === avoid || this.cooling(e.name, now)) {
        if (load < fallbackLoad) {
          fallback = e;
          fallbackLoad = load;
        }
        continue;
      }
      if (load < bestLoad) {
        best = e;
        bestLoad = load;
      }
    }
    return best ?? fallback;
  }

  private tryGrant(model: string, avoid?: string): Lease<E> | undefined {
    const endpoint = this.pick(model, avoid);
    if (!endpoint) return undefined;
    this.inFlight.set(endpoint.name, (this.inFlight.get(endpoint.name) ?? 0) + 1);
    this.total++;
    let released = false;
    return {
      endpoint,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.set(endpoint.name, (this.inFlight.get(endpoint.name) ?? 1) - 1);
        this.total--;
        this.drain();
      },
    };
  }

  private drain(): void {
    for (let i = 0; i < this.waiters.length && this.total < this.concurrency;) {
      const w = this.waiters[i];
      const lease = this.tryGrant(w.model, w.avoid);
      if (lease) {
        this.waiters.splice(i, 1);
        w.resolve(lease);
      } else i++;
    }
  }
}

function servesModel(e: RoutedEndpoint, model: string): boolean {
  return e.models.length === 0 || e.models.includes(model);
}
