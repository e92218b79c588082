// Counters and a latency histogram for the reward server, rendered in the Prometheus text format at
// GET /metrics. Data enters through `observe*` calls from the request handlers.
const BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

export class RewardMetrics {
  readonly started = Date.now();
  requests = new Map<string, number>();
  itemsScored = 0;
  graderFailures = 0;
  defaulted = 0;
  inFlight = 0;
  private readonly buckets = new Array<number>(BUCKETS_MS.length + 1).fill(0);
  private latencySum = 0;
  private latencyCount = 0;

  observeRequest(path: string, status: number): void {
    const key = `path="${path}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  observeItem(latencyMs: number, failed: boolean, defaulted: boolean): void {
    this.itemsScored++;
    if (failed) this.graderFailures++;
    if (defaulted) this.defaulted++;
    this.latencySum += latencyMs;
    this.latencyCount++;
    let i = 0;
    while (i < BUCKETS_MS.length && latencyMs > BUCKETS_MS[i]) i++;
    this.buckets[i]++;
  }

  render(): string {
    const lines = [
      '# HELP qed_reward_requests_total HTTP requests by path and status.',
      '# TYPE qed_reward_requests_total counter',
      ...[...this.requests].map(([k, v]) => `qed_reward_requests_total{${k}} ${v}`),
      '# HELP qed_reward_items_total Items graded (single and batch).',
      '# TYPE qed_reward_items_total counter',
      `qed_reward_items_total ${this.itemsScored}`,
      '# HELP qed_reward_grader_failures_total Items whose grading failed (score null).',
      '# TYPE qed_reward_grader_failures_total counter',
      `qed_reward_grader_failures_total ${this.graderFailures}`,
      "# HELP qed_reward_defaulted_total Failed items answered with the caller's default_reward.",
      '# TYPE qed_reward_defaulted_total counter',
      `qed_reward_defaulted_total ${this.defaulted}`,
      '# HELP qed_reward_in_flight Items being graded now.',
      '# TYPE qed_reward_in_flight gauge',
      `qed_reward_in_flight ${this.inFlight}`,
      '# HELP qed_reward_item_latency_ms Per-item grading latency including queueing.',
      '# TYPE qed_reward_item_latency_ms histogram',
    ];
    let cumulative = 0;
    BUCKETS_MS.forEach((le, i) => {
      cumulative += this.buckets[i];
      lines.push(`qed_reward_item_latency_ms_bucket{le="${le}"} ${cumulative}`);
    });
    cumulative += this.buckets[BUCKETS_MS.length];
    lines.push(`qed_reward_item_latency_ms_bucket{le="+Inf"} ${cumulative}`);
    lines.push(`qed_reward_item_latency_ms_sum ${this.latencySum}`);
    lines.push(`qed_reward_item_latency_ms_count ${this.latencyCount}`);
    lines.push('# TYPE qed_reward_uptime_seconds gauge');
    lines.push(`qed_reward_uptime_seconds ${((Date.now() - this.started) / 1000).toFixed(1)}`);
    return `${lines.join('\n')}\n`;
  }
}
