import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { ARGO_COMPLETED_LABEL, ARGO_WORKFLOWS, markWorkflowSucceeded } from './workflow-completion.js';

/** Options of {@link ArgoStandIn.start}. */
export interface ArgoStandInOptions {
  /**
   * How long each Workflow "runs": it is marked Succeeded once this long has passed since its
   * `creationTimestamp` (whole seconds, so up to a second more).
   * @default 5000
   */
  readonly runMs?: number;
  /**
   * Time between two looks for Workflows due to finish; a Workflow finishes up to this much late.
   * @default 500
   */
  readonly pollMs?: number;
  /**
   * Only Workflows in this namespace.
   * @default undefined: every namespace
   */
  readonly namespace?: string;
  /**
   * Clock, epoch milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Told of a failed look or patch; the stand-in carries on and tries again at the next look.
   * @default ignores them
   */
  readonly onError?: (error: unknown) => void;
}

/** {@link ArgoStandInOptions} with every default filled in. */
type ResolvedOptions = Required<Omit<ArgoStandInOptions, 'namespace'>> & { namespace?: string };

interface ListedWorkflow {
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly creationTimestamp?: string;
  };
}

/**
 * A stand-in for Argo's workflow controller where none runs: every Workflow that is not completed
 * is marked Succeeded (see {@link markWorkflowSucceeded}) a fixed time after it was created, so
 * `maxConcurrency` does not hold a ScheduledWorkflow's runs back for ever. It polls with a label
 * selector rather than watching: each look stands alone, so a restarted or briefly unreachable
 * kube-apiserver only delays it, and Workflows it finished drop out of what it lists.
 */
export class ArgoStandIn {
  readonly #options: ResolvedOptions;
  #stopped = false;
  readonly #wake = new AbortController();
  #finished = 0;
  readonly #loop: Promise<void>;
  readonly #api: CustomObjectsApi;

  private constructor(kubeConfig: KubeConfig, options: ResolvedOptions) {
    this.#options = options;
    this.#api = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#loop = this.#run();
  }

  /** Starts looking at once, as `kubeConfig` (which must be allowed to list and patch Workflows). */
  static start(kubeConfig: KubeConfig, options: ArgoStandInOptions = {}): ArgoStandIn {
    return new ArgoStandIn(kubeConfig, {
      runMs: options.runMs ?? 5_000,
      pollMs: options.pollMs ?? 500,
      now: options.now ?? Date.now,
      onError: options.onError ?? (() => {}),
      ...(options.namespace !== undefined && { namespace: options.namespace }),
    });
  }

  /** How many Workflows it has marked Succeeded. */
  get completed(): number {
    return this.#finished;
  }

  /** Stops looking; resolves once a look in progress has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      await this.#finishDue().catch(this.#options.onError);
      // Rejects when stop() aborts the wait, which ends the loop at once.
      await sleep(this.#options.pollMs, undefined, { signal: this.#wake.signal }).catch(() => undefined);
    }
  }

  async #finishDue(): Promise<void> {
    const now = this.#options.now();
    for (const { metadata } of await this.#active()) {
      const createdAt = Date.parse(metadata.creationTimestamp ?? '');
      if (this.#stopped || Number.isNaN(createdAt) || createdAt + this.#options.runMs > now) continue;
      try {
        // Through the one client: one made per patch would open a connection per patch.
        await markWorkflowSucceeded(this.#api, metadata.namespace ?? '', metadata.name ?? '', new Date(now));
        this.#finished += 1;
      } catch (error) {
        // Deleted since the list: nothing left to finish.
        if (!(error instanceof ApiException && error.code === 404)) this.#options.onError(error);
      }
    }
  }

  async #active(): Promise<ListedWorkflow[]> {
    const api = this.#api;
    // `!=` also matches Workflows without the label; Argo itself labels a running one `false`.
    const labelSelector = `${ARGO_COMPLETED_LABEL}!=true`;
    const { namespace } = this.#options;
    const list = (await (namespace === undefined
      ? api.listClusterCustomObject({ ...ARGO_WORKFLOWS, labelSelector })
      : api.listNamespacedCustomObject({ ...ARGO_WORKFLOWS, namespace, labelSelector }))) as {
      items?: ListedWorkflow[];
    };
    return list.items ?? [];
  }
}
