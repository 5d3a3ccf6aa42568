import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  type AccessDecision,
  type AccessRequest,
  type AccessReviewer,
  DEFAULT_TOKEN_REVIEW_AUDIENCE,
  KfpApiDouble,
  KubeAccessReviewer,
  ProjectedVolume,
  type TokenReviewResult,
} from '@swf/testkit';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  CONTROLLER_IDENTITY,
  CONTROLLER_NAMESPACE,
  CONTROLLER_SA,
  createSwf,
  PIPELINE,
  startEnv,
  type TestEnv,
} from '../integration/env.js';
import {
  CONTROLLER_BIN,
  ControllerProcess,
  callsOf,
  controllerFlags,
  kubeconfigToken,
  latestVersionSwf,
  leaks,
  multiUserEnv,
  poll,
  report,
  sleep,
} from './harness.js';

const TEAM = 'rotation';
const EXPERIMENT = 'exp-rotation';
const ROTATIONS = 8;
const ROTATE_EVERY_MS = 3_000;
/** How long a rotated-out token stays valid, as the kubelet swaps well before expiry. */
const GRACE_MS = 1_000;

/** A TokenReview as the double asked for it, with the token kept to tell which one was sent. */
interface Review {
  readonly at: number;
  readonly token: string;
  readonly result: TokenReviewResult;
}

/** Answers through the real API server and remembers every token reviewed. */
class RecordingReviewer implements AccessReviewer {
  readonly reviews: Review[] = [];
  readonly #inner: AccessReviewer;

  constructor(inner: AccessReviewer) {
    this.#inner = inner;
  }

  async tokenReview(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    const at = Date.now();
    const result = await this.#inner.tokenReview(token, audiences);
    this.reviews.push({ at, token, result });
    return result;
  }

  subjectAccessReview(request: AccessRequest): Promise<AccessDecision> {
    return this.#inner.subjectAccessReview(request);
  }
}

/** A token the test minted: when it was published and when it was revoked. */
interface Minted {
  readonly token: string;
  readonly secret: string;
  published: number;
  revoked?: number;
}

let env: TestEnv;
let kfp: KfpApiDouble;
let reviewer: RecordingReviewer;
let volume: ProjectedVolume;
let controller: ControllerProcess;
let swf: ScheduledWorkflow;
const minted: Minted[] = [];

/**
 * A TokenRequest token of the controller's service account for KFP's audience, bound to a Secret
 * so that deleting the Secret revokes it: a stale token then fails its TokenReview.
 */
async function mint(): Promise<Minted> {
  const core = env.admin.makeApiClient(CoreV1Api);
  const name = `token-binding-${minted.length + 1}`;
  const secret = await core.createNamespacedSecret({
    namespace: CONTROLLER_NAMESPACE,
    body: { metadata: { name } },
  });
  const request = await core.createNamespacedServiceAccountToken({
    name: CONTROLLER_SA,
    namespace: CONTROLLER_NAMESPACE,
    body: {
      spec: {
        audiences: [DEFAULT_TOKEN_REVIEW_AUDIENCE],
        expirationSeconds: 600,
        boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name, uid: secret.metadata?.uid },
      },
    },
  });
  const token = { token: request.status?.token ?? '', secret: name, published: 0 };
  minted.push(token);
  return token;
}

async function revoke(token: Minted): Promise<void> {
  await env.admin
    .makeApiClient(CoreV1Api)
    .deleteNamespacedSecret({ name: token.secret, namespace: CONTROLLER_NAMESPACE });
  token.revoked = Date.now();
}

async function publish(token: Minted): Promise<void> {
  await volume.write(token.token);
  token.published = Date.now();
}

/** Publishes a fresh token; revokes the one it replaces after the grace period. */
async function rotate(): Promise<void> {
  const previous = minted.at(-1);
  await publish(await mint());
  await sleep(GRACE_MS);
  if (previous && previous.revoked === undefined) await revoke(previous);
}

beforeAll(async () => {
  env = await startEnv([TEAM]);
  reviewer = new RecordingReviewer(new KubeAccessReviewer(env.admin));
  kfp = await KfpApiDouble.start({
    reviewer,
    experiments: { [EXPERIMENT]: TEAM },
    pipelines: { [PIPELINE.id]: PIPELINE.name },
  });
  volume = await ProjectedVolume.create('scheduledworkflow-sa-token');
  await publish(await mint());
  // Identity off: the double can only authenticate the controller by its bearer token.
  controller = await ControllerProcess.start(
    'rotation',
    controllerFlags(env, kfp, [`--apiTokenFile=${volume.path}`, '--logLevel=debug']),
    multiUserEnv({ USER_IDENTITY_HEADER: '', USER_IDENTITY_VALUE: '' }),
  );
  swf = await createSwf(env, latestVersionSwf(TEAM, 'rotating', EXPERIMENT, 1));
  // Made through KFP: its job row, which this double started apart from startKfpDouble needs given.
  kfp.addRecurringRun(swf);
}, 300_000);

afterAll(async () => {
  await ControllerProcess.stopAll();
  await kfp?.close();
  await volume?.remove();
  await env?.stop();
});

/** The token published last at `at`. */
function currentAt(at: number): Minted | undefined {
  return minted.filter((m) => m.published > 0 && m.published <= at).at(-1);
}

describe('the token file rotated kubelet-style while identity is off', () => {
  let rotationEnd: number;

  it('authenticates every call with the current token, never a stale or empty one', async () => {
    await poll(
      'a first run',
      async () => (callsOf(kfp, swf.metadata.uid).length > 0 ? true : undefined),
      30_000,
    );
    const start = Date.now();
    for (let i = 0; i < ROTATIONS; i++) {
      await rotate();
      await sleep(ROTATE_EVERY_MS - GRACE_MS);
    }
    rotationEnd = Date.now();
    const calls = callsOf(kfp, swf.metadata.uid);
    expect(calls.length).toBeGreaterThanOrEqual((ROTATIONS * ROTATE_EVERY_MS) / 1000 - 2);
    expect(calls.filter((c) => c.outcome !== 'created' || c.identity !== CONTROLLER_IDENTITY)).toEqual([]);
    expect(calls.filter((c) => !c.metadataKeys.includes('authorization'))).toEqual([]);
    // Each review used the token published last, or the one before within its grace period.
    const stale = reviewer.reviews.filter((r) => {
      const current = currentAt(r.at);
      if (r.token === current?.token) return false;
      const sent = minted.find((m) => m.token === r.token);
      return !(sent && current && r.at < current.published + GRACE_MS);
    });
    expect(stale.map((r) => ({ at: r.at, minted: minted.findIndex((m) => m.token === r.token) }))).toEqual(
      [],
    );
    expect(reviewer.reviews.filter((r) => !r.result.authenticated)).toEqual([]);
    const used = new Set(reviewer.reviews.map((r) => r.token));
    expect(minted.filter((m) => !used.has(m.token)).map((m) => m.secret)).toEqual([]);
    report('token rotation', {
      rotations: ROTATIONS,
      calls: calls.length,
      tokensUsed: used.size,
      ms: rotationEnd - start,
    });
  });

  it('recovers when the file holds a revoked token, taking up the next one published', async () => {
    const revoked = await mint();
    await revoke(revoked);
    await publish(revoked);
    const failedFrom = callsOf(kfp, swf.metadata.uid).length;
    await poll(
      'calls rejected as unauthenticated',
      async () =>
        callsOf(kfp, swf.metadata.uid)
          .slice(failedFrom)
          .some((c) => c.outcome !== 'created')
          ? true
          : undefined,
      15_000,
    );
    const fresh = await mint();
    await publish(fresh);
    await poll(
      'a run with the fresh token',
      async () =>
        callsOf(kfp, swf.metadata.uid).some((c) => c.at > fresh.published && c.outcome === 'created')
          ? true
          : undefined,
      30_000,
    );
    expect(
      reviewer.reviews.filter((r) => r.at > fresh.published + GRACE_MS && r.token !== fresh.token),
    ).toEqual([]);
  });
});

describe('secrets stay secret', () => {
  it('no token appears in logs, events, metrics, status or print-config', async () => {
    const metrics = await controller.metrics();
    await controller.stop();
    const core = env.admin.makeApiClient(CoreV1Api);
    const events = await core.listEventForAllNamespaces();
    const swfs = await env.custom.listClusterCustomObject({
      group: 'kubeflow.org',
      version: 'v1beta1',
      plural: 'scheduledworkflows',
    });
    const printConfig = spawnSync(
      process.execPath,
      [
        CONTROLLER_BIN,
        'print-config',
        `--apiTokenFile=${volume.path}`,
        `--kubeconfig=${env.controllerKubeconfig}`,
      ],
      { env: { PATH: process.env.PATH ?? '', ...multiUserEnv() }, encoding: 'utf8' },
    );
    expect(printConfig.status).toBe(0);
    const captured = {
      'controller log': controller.text(),
      events: JSON.stringify(events.items),
      '/metrics': metrics,
      ScheduledWorkflows: JSON.stringify(swfs),
      'print-config': printConfig.stdout + printConfig.stderr,
    };
    const secrets = [
      ...minted.map((m) => m.token),
      kubeconfigToken(env.controllerKubeconfig),
      env.plane.adminToken,
    ];
    // The search finds a token where one is: in the token file itself.
    expect(leaks({ 'token file': readFileSync(volume.path, 'utf8') }, secrets)).toHaveLength(1);
    expect(
      events.items.filter((e) => e.type === 'Warning' && e.involvedObject.name === 'rotating'),
    ).not.toHaveLength(0);
    expect(leaks(captured, secrets)).toEqual([]);
    report('secrets', {
      tokensSearched: secrets.length,
      logBytes: captured['controller log'].length,
      events: events.items.length,
    });
  });
});
