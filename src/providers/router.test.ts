// Least-outstanding routing: spreads by in-flight count per weight, respects per-endpoint and global
// limits, queues callers in order, and steers retries away from the endpoint that just failed.
import { describe, expect, it } from 'vitest';
import { Router } from './router.ts';
import type { RoutedEndpoint } from './router.ts';

const ep = (name: string, extra: Partial<RoutedEndpoint> = {}): RoutedEndpoint => ({
  name,
  models: [],
  weight: 1,
  maxConcurrency: 100,
  ...extra,
});

describe('Router', () => {
  it('sends each request to the endpoint with the fewest outstanding', async () => {
    const r = new Router([ep('a'), ep('b')]);
    const leases = [];
    for (let i = 0; i < 4; i++) leases.push(await r.acquire('m'));
    expect(leases.map((l) => l.endpoint.name)).toEqual(['a', 'b', 'a', 'b']);
    leases[1].release();
    leases[3].release();
    expect((await r.acquire('m')).endpoint.name).toBe('b');
  });

  it('spreads in proportion to weight', async () => {
    const r = new Router([ep('a', { weight: 3 }), ep('b')]);
    for (let i = 0; i < 8; i++) await r.acquire('m');
    expect([r.outstanding('a'), r.outstanding('b')]).toEqual([6, 2]);
  });

  it('only uses endpoints serving the model', async () => {
    const r = new Router([ep('a', { models: ['x'] }), ep('b', { models: ['y'] })]);
    expect((await r.acquire('y')).endpoint.name).toBe('b');
    await expect(r.acquire('z')).rejects.toThrow(/no endpoint serves model "z"/);
  });

  it('waits when full and wakes callers in order', async () => {
    const r = new Router([ep('a', { maxConcurrency: 1 }), ep('b', { maxConcurrency: 1 })], 2);
    const first = await r.acquire('m');
    await r.acquire('m');
    const order: number[] = [];
    const w1 = r.acquire('m').then((l) => {
      order.push(1);
      return l;
    });
    const w2 = r.acquire('m').then((l) => {
      order.push(2);
      return l;
    });
    await new Promise((res) => setTimeout(res, 10));
    expect(order).toEqual([]);
    first.release();
    (await w1).release();
    await w2;
    expect(order).toEqual([1, 2]);
  });

  it('prefers another endpoint after a failure, but reuses it when alone', async () => {
    const r = new Router([ep('a'), ep('b')]);
    expect((await r.acquire('m', 'a')).endpoint.name).toBe('b');
    const single = new Router([ep('a')]);
    expect((await single.acquire('m', 'a')).endpoint.name).toBe('a');
  });

  it('skips an endpoint cooling down after failures while another can serve', async () => {
    const r = new Router([ep('a'), ep('b')], Infinity, 50);
    r.markFailure('a');
    expect(r.cooling('a')).toBe(true);
    const leases = [await r.acquire('m'), await r.acquire('m'), await r.acquire('m')];
    expect(leases.map((l) => l.endpoint.name)).toEqual(['b', 'b', 'b']);
    r.markSuccess('a');
    expect((await r.acquire('m')).endpoint.name).toBe('a');
    // Consecutive failures lengthen the cooldown; a lone cooling endpoint still serves.
    r.markFailure('b', 0);
    r.markFailure('b', 0);
    expect(r.cooling('b', 90)).toBe(true);
    expect(r.cooling('b', 110)).toBe(false);
    const lone = new Router([ep('a')], Infinity, 1_000);
    lone.markFailure('a');
    expect((await lone.acquire('m')).endpoint.name).toBe('a');
  });

  it('lets a waiting caller abort', async () => {
    const r = new Router([ep('a', { maxConcurrency: 1 })]);
    await r.acquire('m');
    const ctrl = new AbortController();
    const waiting = r.acquire('m', undefined, ctrl.signal);
    ctrl.abort();
    await expect(waiting).rejects.toThrow(/aborted/);
  });
});
