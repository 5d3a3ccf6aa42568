import type { V1Lease } from '@kubernetes/client-node';
import { pino } from 'pino';
import { type LeaderElectionOptions, type LeaseApi, runLeaderElection } from './leader-election.js';

/** Short timings: the lease lasts 300 ms, a leader that cannot renew for 200 ms steps down. */
const TIMINGS = { leaseDurationMs: 300, renewDeadlineMs: 200, retryPeriodMs: 50 };

function statusError(code: number): Error {
  return Object.assign(new Error(`status ${code}`), { code });
}

/** A read that has not answered yet; the test answers it late, or never. */
interface HungRead {
  resolve(lease: V1Lease): void;
  reject(error: unknown): void;
}

/** One Lease in memory, with resourceVersion checks as the API server's; reads hang while `hang` is set. */
class FakeLeases implements LeaseApi {
  lease: V1Lease | undefined;
  hang = false;
  readonly hung: HungRead[] = [];
  /** Creates and replaces that went through. */
  writes = 0;

  async readLease(): Promise<V1Lease> {
    if (this.hang) return new Promise((resolve, reject) => this.hung.push({ resolve, reject }));
    if (!this.lease) throw statusError(404);
    return structuredClone(this.lease);
  }

  async createLease(lease: V1Lease): Promise<V1Lease> {
    if (this.lease) throw statusError(409);
    return this.#store(lease);
  }

  async replaceLease(lease: V1Lease): Promise<V1Lease> {
    if (lease.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) throw statusError(409);
    return this.#store(lease);
  }

  holder(): string | undefined {
    return this.lease?.spec?.holderIdentity;
  }

  #store(lease: V1Lease): V1Lease {
    this.writes += 1;
    this.lease = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(this.writes) } };
    return structuredClone(this.lease);
  }
}

function optionsFor(api: LeaseApi, identity = 'me'): LeaderElectionOptions {
  return {
    api,
    namespace: 'swf',
    name: 'swf-controller',
    identity,
    log: pino({ level: 'silent' }),
    timings: TIMINGS,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `promise` settles to, or `'pending'` if it has not within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

/** Resolves once `signal` aborts, with the milliseconds waited; `Infinity` if not within `ms`. */
function abortedWithin(signal: AbortSignal, ms: number): Promise<number> {
  const start = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    };
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

/** Every fake made, so each test ends with its reads answered and its election stopped. */
const fakes: Array<{ api: FakeLeases; stop: AbortController }> = [];

function fake(): { api: FakeLeases; stop: AbortController } {
  const made = { api: new FakeLeases(), stop: new AbortController() };
  fakes.push(made);
  return made;
}

afterEach(() => {
  for (const { api, stop } of fakes.splice(0)) {
    stop.abort();
    api.hang = false;
    for (const read of api.hung.splice(0)) read.reject(new Error('test over'));
  }
});

describe('runLeaderElection', () => {
  it('takes a free lease, leads until stopped, then releases the lease', async () => {
    const { api, stop } = fake();
    const outcome = runLeaderElection(optionsFor(api), stop.signal, async (leading) => {
      expect(api.holder()).toBe('me');
      await sleep(3 * TIMINGS.retryPeriodMs);
      expect(leading.aborted).toBe(false);
      stop.abort();
      expect(leading.aborted).toBe(true);
    });
    await expect(within(outcome, 2000)).resolves.toBe('stopped');
    expect(api.holder()).toBe('');
  });

  it('steps down when another replica holds the lease past the renew deadline', async () => {
    const { api, stop } = fake();
    let waited = 0;
    const outcome = runLeaderElection(optionsFor(api), stop.signal, async (leading) => {
      const lease = api.lease as V1Lease;
      api.lease = { ...lease, spec: { ...lease.spec, holderIdentity: 'other', renewTime: new Date() } };
      waited = await abortedWithin(leading, 2000);
    });
    await expect(within(outcome, 2000)).resolves.toBe('lost');
    expect(waited).toBeGreaterThanOrEqual(TIMINGS.renewDeadlineMs - 20);
    expect(waited).toBeLessThan(1000);
    expect(api.holder()).toBe('other');
  });

  it('steps down within the renew deadline while a renewal hangs', async () => {
    const { api, stop } = fake();
    let waited = 0;
    const outcome = runLeaderElection(optionsFor(api), stop.signal, async (leading) => {
      api.hang = true;
      waited = await abortedWithin(leading, 1000);
    });
    await expect(within(outcome, 1500)).resolves.toBe('lost');
    expect(api.hung.length).toBeGreaterThan(0);
    expect(waited).toBeGreaterThanOrEqual(TIMINGS.renewDeadlineMs - 20);
    expect(waited).toBeLessThan(1000);
  });

  it('ignores a late answer of an abandoned renewal: the replica does not lead again', async () => {
    const { api, stop } = fake();
    const leads: AbortSignal[] = [];
    const outcome = runLeaderElection(optionsFor(api), stop.signal, async (leading) => {
      leads.push(leading);
      api.hang = true;
      await abortedWithin(leading, 1000);
    });
    const settled = await within(outcome, 1500);
    // The hung read answers now, with the lease still this replica's: the renewal goes through late.
    api.hang = false;
    for (const read of api.hung.splice(0)) read.resolve(structuredClone(api.lease as V1Lease));
    await sleep(TIMINGS.retryPeriodMs);
    const writes = api.writes;
    await sleep(3 * TIMINGS.retryPeriodMs);
    expect(settled).toBe('lost');
    expect(leads).toHaveLength(1);
    expect(leads[0]?.aborted).toBe(true);
    // No renewal loop came back to life.
    expect(api.writes).toBe(writes);
  });

  it('leaves no unhandled rejection when an abandoned renewal fails late', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { api, stop } = fake();
      const outcome = runLeaderElection(optionsFor(api), stop.signal, async (leading) => {
        api.hang = true;
        await abortedWithin(leading, 1000);
      });
      await expect(within(outcome, 1500)).resolves.toBe('lost');
      for (const read of api.hung.splice(0)) read.reject(new Error('connection reset'));
      await sleep(3 * TIMINGS.retryPeriodMs);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('keeps retrying while a standby read hangs, and takes the lease once the API answers', async () => {
    const { api, stop } = fake();
    api.hang = true;
    let led = false;
    const outcome = runLeaderElection(optionsFor(api), stop.signal, async (leading) => {
      led = true;
      stop.abort();
      await abortedWithin(leading, 1000);
    });
    await sleep(TIMINGS.renewDeadlineMs / 2);
    api.hang = false;
    await expect(within(outcome, 1500)).resolves.toBe('stopped');
    expect(led).toBe(true);
  });

  it('stops promptly while a call hangs', async () => {
    const { api, stop } = fake();
    const outcome = runLeaderElection(optionsFor(api), stop.signal, async (leading) => {
      api.hang = true;
      await sleep(TIMINGS.retryPeriodMs * 2);
      stop.abort();
      await abortedWithin(leading, 1000);
    });
    await expect(within(outcome, 1000)).resolves.toBe('stopped');
  });
});
