import { ApiException } from '@kubernetes/client-node';
import { pino } from 'pino';
import { ApiServerReachability } from './reachability.js';

const log = pino({ level: 'silent' });

function reachability(probe: () => Promise<void>) {
  let now = 1_000_000;
  const subject = new ApiServerReachability({ probe, log, unreachableAfterMs: 30_000, now: () => now });
  return { subject, advance: (ms: number) => (now += ms) };
}

describe('ApiServerReachability', () => {
  it('counts as reachable from the start, for the whole first window', () => {
    const { subject, advance } = reachability(() => new Promise(() => {}));
    expect(subject.reachable()).toBe(true);
    advance(29_999);
    expect(subject.reachable()).toBe(true);
    advance(1);
    expect(subject.reachable()).toBe(false);
  });

  it('stays reachable while probes are answered, and fails once they stop being', async () => {
    let answer = true;
    const { subject, advance } = reachability(async () => {
      if (!answer) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    for (let i = 0; i < 5; i++) {
      advance(10_000);
      await subject.probeOnce();
      expect(subject.reachable()).toBe(true);
    }
    answer = false;
    advance(10_000);
    await subject.probeOnce();
    advance(10_000);
    await subject.probeOnce();
    expect(subject.reachable()).toBe(true);
    advance(10_000);
    await subject.probeOnce();
    expect(subject.reachable()).toBe(false);
    expect(subject.silentForMs()).toBe(30_000);
    answer = true;
    await subject.probeOnce();
    expect(subject.reachable()).toBe(true);
  });

  it('takes an HTTP error status as an answer: the server is there', async () => {
    const { subject, advance } = reachability(async () => {
      throw new ApiException(403, 'Forbidden', {}, {});
    });
    advance(40_000);
    await subject.probeOnce();
    expect(subject.reachable()).toBe(true);
  });

  it('runs one probe at a time: a hung probe is not stacked', async () => {
    let calls = 0;
    const { subject } = reachability(() => {
      calls += 1;
      return new Promise(() => {});
    });
    void subject.probeOnce();
    void subject.probeOnce();
    void subject.probeOnce();
    expect(calls).toBe(1);
  });
});
