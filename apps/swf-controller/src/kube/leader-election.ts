import { type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { errorText } from '../error-text.js';
import type { Logger } from '../log.js';
import { type KubeApi, statusCode } from './kube-api.js';

/** The Lease calls leader election makes ({@link KubeApi}'s). */
export type LeaseApi = Pick<KubeApi, 'readLease' | 'createLease' | 'replaceLease'>;

/** Timings as client-go's leader election defaults. */
export interface LeaderElectionTimings {
  /** How long a lease holds without renewal. @default 15000 */
  readonly leaseDurationMs: number;
  /** A leader that cannot renew for this long steps down. @default 10000 */
  readonly renewDeadlineMs: number;
  /** Pause between tries to acquire or renew. @default 2000 */
  readonly retryPeriodMs: number;
}

export const DEFAULT_LEADER_ELECTION_TIMINGS: LeaderElectionTimings = Object.freeze({
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
});

/** Options of {@link runLeaderElection}. */
export interface LeaderElectionOptions {
  readonly api: LeaseApi;
  readonly namespace: string;
  readonly name: string;
  /** This replica's identity, unique among replicas. */
  readonly identity: string;
  readonly log: Logger;
  readonly timings?: LeaderElectionTimings;
  readonly now?: () => number;
}

/**
 * Leader election on a `coordination.k8s.io` Lease, as client-go's: acquire the lease when it is
 * free or expired, renew it every retry period, and step down when renewal fails for longer than
 * the renew deadline. Updates carry the Lease's resourceVersion, so two replicas never both win.
 *
 * `lead` runs while this replica leads, with a signal that aborts when leadership is lost or
 * `signal` aborts. Resolves when `signal` aborts (the lease is released on a clean stop so a
 * standby takes over at once) or after leadership was lost (the caller should exit: state built
 * while leading cannot be trusted).
 */
export async function runLeaderElection(
  options: LeaderElectionOptions,
  signal: AbortSignal,
  lead: (leading: AbortSignal) => Promise<void>,
): Promise<'stopped' | 'lost'> {
  const { api } = options;
  const timings = options.timings ?? DEFAULT_LEADER_ELECTION_TIMINGS;
  const now = options.now ?? Date.now;
  const { log, namespace, name, identity } = options;

  // The client sets no request timeout, so a call to a half-dead connection can hang for good. As
  // client-go does, each try is bounded by the renew deadline, and a leader steps down once that
  // deadline passes without a renewal, even while a call still hangs.
  const attempt = (stop: AbortSignal) =>
    bounded(tryAcquireOrRenew(api, options, timings, now), timings.renewDeadlineMs, stop);
  let acquiredAt = 0;
  while (!signal.aborted) {
    acquiredAt = now();
    // A standby outlives API server outages: a failed try is only a try (client-go retries too).
    const acquired = await attempt(signal).catch((error: unknown) => {
      log.warn(
        { lease: `${namespace}/${name}`, err: errorText(error) },
        'could not acquire the lease; retrying',
      );
      return false;
    });
    if (acquired) break;
    await sleep(timings.retryPeriodMs, signal);
  }
  if (signal.aborted) return 'stopped';
  log.info({ lease: `${namespace}/${name}`, identity }, 'became leader');

  const leading = new AbortController();
  const onStop = () => leading.abort();
  signal.addEventListener('abort', onStop, { once: true });
  let lost = false;
  const stepDown = () => {
    if (leading.signal.aborted) return;
    log.error({ lease: `${namespace}/${name}` }, 'lost leadership: could not renew the lease in time');
    lost = true;
    leading.abort();
  };
  // Counted from when the renewing try started: the lease's renewTime is that moment.
  let deadline = setTimeout(stepDown, acquiredAt + timings.renewDeadlineMs - now());
  const work = lead(leading.signal);
  while (!leading.signal.aborted) {
    await sleep(timings.retryPeriodMs, leading.signal);
    if (leading.signal.aborted) break;
    const started = now();
    // An abandoned try's late answer is dropped: once `leading` aborts, nothing here leads again.
    if ((await attempt(leading.signal).catch(() => false)) && !leading.signal.aborted) {
      clearTimeout(deadline);
      deadline = setTimeout(stepDown, started + timings.renewDeadlineMs - now());
    }
  }
  clearTimeout(deadline);
  signal.removeEventListener('abort', onStop);
  await work;
  if (!lost) await bounded(release(api, options), timings.renewDeadlineMs).catch(() => undefined);
  return lost ? 'lost' : 'stopped';
}

async function tryAcquireOrRenew(
  api: LeaseApi,
  options: LeaderElectionOptions,
  timings: LeaderElectionTimings,
  now: () => number,
): Promise<boolean> {
  const { namespace, name, identity } = options;
  // Lease times are MicroTime: the API server rejects RFC 3339 without exactly six fraction digits.
  const stamp = new V1MicroTime(now());
  const spec = {
    holderIdentity: identity,
    leaseDurationSeconds: Math.ceil(timings.leaseDurationMs / 1000),
    renewTime: stamp,
  };
  let lease: V1Lease;
  try {
    lease = await api.readLease(namespace, name);
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
    try {
      await api.createLease({
        metadata: { name, namespace },
        spec: { ...spec, acquireTime: stamp, leaseTransitions: 0 },
      });
      return true;
    } catch (createError) {
      if (statusCode(createError) === 409) return false;
      throw createError;
    }
  }
  const holder = lease.spec?.holderIdentity ?? '';
  const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
  const duration = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
  const held = holder !== '' && holder !== identity && renewed + duration > now();
  if (held) return false;
  const transitions = lease.spec?.leaseTransitions ?? 0;
  try {
    await api.replaceLease({
      ...lease,
      spec: {
        ...lease.spec,
        ...spec,
        acquireTime: holder === identity ? lease.spec?.acquireTime : stamp,
        leaseTransitions: holder === identity ? transitions : transitions + 1,
      },
    });
    return true;
  } catch (error) {
    if (statusCode(error) === 409) return false;
    throw error;
  }
}

/** Gives the lease up so a standby can take over without waiting for it to expire. */
async function release(api: LeaseApi, options: LeaderElectionOptions): Promise<void> {
  const lease = await api.readLease(options.namespace, options.name);
  if (lease.spec?.holderIdentity !== options.identity) return;
  await api.replaceLease({ ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
}

/**
 * Settles as `call` does, but rejects once `ms` pass and gives `undefined` once `signal` aborts,
 * whichever comes first. The client takes no AbortSignal, so an abandoned call is only no longer
 * waited for: its late answer is dropped, and its late rejection handled here.
 */
function bounded<T>(call: Promise<T>, ms: number, signal?: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => settle(reject, new Error(`no answer within ${ms} ms`)), ms);
    const onAbort = () => settle(resolve, undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    call.then(
      (value) => settle(resolve, value),
      (error: unknown) => settle(reject, error),
    );
    function settle<V>(how: (value: V) => void, value: V) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      how(value);
    }
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
