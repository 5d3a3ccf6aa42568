/**
 * The child side of {@link KfpDoubleProcess}: starts the KFP API double as the benchmark configures
 * it (multi-user, reviewing against the control plane, creating each run's Workflow), then reports
 * what it sees every {@link REPORT_INTERVAL_MS}. It ends when the parent disconnects or dies.
 */
import {
  type AccessDecision,
  type AccessRequest,
  type AccessReviewer,
  KfpApiDouble,
  KubeAccessReviewer,
  KubeRunCluster,
  type RecordedCall,
  type TokenReviewResult,
} from '@swf/testkit';
import type { ObservedCall } from './analysis.js';
import { KeepAliveKubeConfig } from './keep-alive-kubeconfig.js';
import type {
  AddRecurringRuns,
  DoubleConfig,
  DoubleReport,
  RecurringRunsAdded,
} from './kfp-double-process.js';
import { REPORT_INTERVAL_MS } from './kfp-double-process.js';

/** An access reviewer that times the SubjectAccessReviews it passes on. */
export class TimedReviewer implements AccessReviewer {
  readonly #inner: AccessReviewer;
  /** Milliseconds each SubjectAccessReview took, in the order they ended. */
  readonly durationsMs: number[] = [];

  constructor(inner: AccessReviewer) {
    this.#inner = inner;
  }

  tokenReview(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    return this.#inner.tokenReview(token, audiences);
  }

  async subjectAccessReview(request: AccessRequest): Promise<AccessDecision> {
    const started = performance.now();
    try {
      return await this.#inner.subjectAccessReview(request);
    } finally {
      this.durationsMs.push(performance.now() - started);
    }
  }
}

/** What the benchmark needs of a call: its run's name, its times and whether it made a run. */
export function observed(call: RecordedCall): ObservedCall {
  return {
    displayName: call.request.run?.displayName ?? '',
    at: call.at,
    receivedAt: call.receivedAt,
    steps: call.steps,
    created: call.outcome === 'created',
  };
}

function keepAliveConfig(yaml: string): KeepAliveKubeConfig {
  const config = new KeepAliveKubeConfig();
  config.loadFromString(yaml);
  return config;
}

/** Calls in flight at once that the double's clients hold connections for before it serves. */
const WARM_CONNECTIONS = 32;

/**
 * Opens the connections the double's Kubernetes clients will use. A KFP API server that has served
 * for a while holds its connection to the kube-apiserver (client-go multiplexes calls over one
 * HTTP/2 connection); these clients hold one TLS connection per call in flight, and would open
 * them during the first second of the measurement instead.
 */
async function warmConnections(reviewer: AccessReviewer, cluster: KubeRunCluster): Promise<void> {
  const calls = Array.from({ length: WARM_CONNECTIONS }, () => [
    reviewer.subjectAccessReview({
      user: 'warm-up',
      namespace: 'default',
      verb: 'get',
      group: 'pipelines.kubeflow.org',
      version: 'v1beta1',
      resource: 'runs',
    }),
    // No such object: a look-up by a name no resource has.
    cluster.getScheduledWorkflow('default', 'warm-up'),
  ]);
  await Promise.all(calls.flat());
}

async function main(config: DoubleConfig): Promise<void> {
  const reviewer = new KubeAccessReviewer(keepAliveConfig(config.reviewerKubeconfig));
  const cluster = new KubeRunCluster(keepAliveConfig(config.runClusterKubeconfig));
  await warmConnections(reviewer, cluster);
  const reviews = new TimedReviewer(reviewer);
  const double = await KfpApiDouble.start({
    reviewer: reviews,
    experiments: config.experiments,
    pipelines: config.pipelines,
    cluster,
  });
  let rows = 0;
  process.on('message', (message: Partial<AddRecurringRuns>) => {
    for (const { uid, namespace, name } of message.recurringRuns ?? []) {
      double.addRecurringRun({ metadata: { uid, namespace, name } });
      rows += 1;
    }
    const added: RecurringRunsAdded = { recurringRunsAdded: rows };
    process.send?.(added);
  });
  let calls = 0;
  let reviewed = 0;
  const report = () => {
    const message: DoubleReport = {
      calls: double.calls.slice(calls).map(observed),
      reviewsMs: reviews.durationsMs.slice(reviewed),
    };
    calls += message.calls.length;
    reviewed += message.reviewsMs.length;
    if (message.calls.length > 0 || message.reviewsMs.length > 0) process.send?.(message);
  };
  const timer = setInterval(report, REPORT_INTERVAL_MS);
  process.once('disconnect', () => {
    clearInterval(timer);
    void double.close().finally(() => process.exit(0));
  });
  process.send?.({ ready: double.port });
}

process.once('message', (config: DoubleConfig) => {
  main(config).catch((error: unknown) => {
    process.stderr.write(`KFP API double process: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
});
