import { status } from '@grpc/grpc-js';
import { ScheduledWorkflowSpecError } from '../domain/errors.js';
import type { ScheduledWorkflow } from '../domain/types.js';
import { errorText } from '../error-text.js';
import type { NamedCallFailure } from '../observe/submit-failure-reason.js';
import type { ExperimentReader } from './run-client.js';

/** Condition and event reason when a ScheduledWorkflow names another namespace's experiment. */
export const CROSS_NAMESPACE_EXPERIMENT_REASON = 'CrossNamespaceExperiment';

/** The field the rule is about. */
const EXPERIMENT_FIELD = 'spec.experimentId';
/** The call that reads an experiment. */
const EXPERIMENT_READ_CALL = 'ExperimentService.GetExperiment';

/**
 * Whether runs of a ScheduledWorkflow in `resourceNamespace` may go to an experiment of
 * `experimentNamespace`: null when they may, else the rule broken. Pure.
 *
 * The KFP API server starts a run in its experiment's namespace, with the caller's permission
 * there; the caller is this controller, which may create runs everywhere. So whoever may write a
 * ScheduledWorkflow in one namespace could start runs in another by naming its experiment: the
 * experiment must be in the resource's own namespace. An experiment without a namespace belongs to
 * single-user KFP, which has no namespaces to cross (in multi-user mode every experiment has one).
 */
export function crossNamespaceProblem(
  resourceNamespace: string,
  experimentId: string,
  experimentNamespace: string,
): ScheduledWorkflowSpecError | null {
  if (experimentNamespace === '' || experimentNamespace === resourceNamespace) return null;
  return new ScheduledWorkflowSpecError(
    EXPERIMENT_FIELD,
    `experiment ${experimentId} belongs to namespace ${experimentNamespace}, not to this resource's namespace ` +
      `${resourceNamespace}: runs start only in the resource's own namespace ` +
      '(--allowCrossNamespaceExperiments turns this check off)',
    CROSS_NAMESPACE_EXPERIMENT_REASON,
  );
}

/** What the reconciler asks before a `CreateRun`. */
export interface ExperimentGuard {
  /**
   * Resolves when `swf` may start a run in the experiment it names.
   *
   * @throws ScheduledWorkflowSpecError when it may not (another namespace's experiment, reason
   *   {@link CROSS_NAMESPACE_EXPERIMENT_REASON}), or when the API server knows no such experiment
   * @throws ExperimentReadError when the experiment could not be read (unavailable, denied,
   *   deadline): a failure to retry, as a failed `CreateRun` is
   */
  check(swf: ScheduledWorkflow): Promise<void>;
  /**
   * Reads what {@link check} of `swf` will need, in the background, so that the check at its fire
   * time waits for nothing. A failed read is dropped here; the check reads again.
   */
  prefetch(swf: ScheduledWorkflow): void;
}

/** How long after a failed prefetch of an experiment no prefetch reads it again. */
export const PREFETCH_RETRY_MS = 60_000;

/**
 * The experiment check of the latest-version path: each experiment's namespace is read once with
 * `ExperimentService.GetExperiment` and kept, since an experiment never moves to another namespace;
 * checks of one experiment while its read is in flight share that read. A failed read is not kept,
 * so the next check reads again. With `allowCrossNamespace` nothing is read and every check passes.
 *
 * The reconciler prefetches while a resource waits for its next fire, so the first run of each
 * experiment does not wait for a `GetExperiment` round trip (figures in `bench/README.md`).
 */
export class ExperimentNamespaces implements ExperimentGuard {
  readonly #reader: ExperimentReader;
  readonly #allowCrossNamespace: boolean;
  readonly #now: () => number;
  readonly #namespaces = new Map<string, Promise<string>>();
  /** When a prefetch of each experiment last failed, epoch ms. */
  readonly #prefetchFailedAt = new Map<string, number>();

  constructor(
    reader: ExperimentReader,
    options: { readonly allowCrossNamespace: boolean; readonly now?: () => number },
  ) {
    this.#reader = reader;
    this.#allowCrossNamespace = options.allowCrossNamespace;
    this.#now = options.now ?? Date.now;
  }

  async check(swf: ScheduledWorkflow): Promise<void> {
    const experimentId = this.#experimentToRead(swf);
    if (experimentId === null) return;
    const problem = crossNamespaceProblem(
      swf.metadata.namespace ?? '',
      experimentId,
      await this.#namespaceOf(experimentId),
    );
    if (problem) throw problem;
  }

  /**
   * After a failed prefetch (an unknown experiment, a server that is down), the same experiment is
   * not prefetched again for {@link PREFETCH_RETRY_MS}: every waiting resource naming it would
   * otherwise read it again at each resync. The check at a fire time reads regardless.
   */
  prefetch(swf: ScheduledWorkflow): void {
    const experimentId = this.#experimentToRead(swf);
    if (experimentId === null) return;
    const failedAt = this.#prefetchFailedAt.get(experimentId);
    if (failedAt !== undefined && this.#now() - failedAt < PREFETCH_RETRY_MS) return;
    this.#namespaceOf(experimentId).then(
      () => this.#prefetchFailedAt.delete(experimentId),
      () => this.#prefetchFailedAt.set(experimentId, this.#now()),
    );
  }

  /** The experiment whose namespace `swf`'s check needs; null when it needs none. */
  #experimentToRead(swf: ScheduledWorkflow): string | null {
    const experimentId = swf.spec.experimentId ?? '';
    // No experiment: nothing to cross; the multi-user API server refuses such a run itself.
    return this.#allowCrossNamespace || experimentId === '' ? null : experimentId;
  }

  #namespaceOf(experimentId: string): Promise<string> {
    const known = this.#namespaces.get(experimentId);
    if (known) return known;
    const read = this.#reader.getExperiment(experimentId).then(
      (experiment) => experiment.namespace,
      (error: unknown) => {
        this.#namespaces.delete(experimentId);
        throw readFailure(experimentId, error);
      },
    );
    this.#namespaces.set(experimentId, read);
    return read;
  }
}

function readFailure(experimentId: string, error: unknown): Error {
  if ((error as { code?: unknown } | null)?.code === status.NOT_FOUND) {
    return new ScheduledWorkflowSpecError(
      EXPERIMENT_FIELD,
      `the KFP API server has no experiment ${experimentId}: ${errorText(error)}`,
    );
  }
  return new ExperimentReadError(experimentId, error);
}

/**
 * An experiment could not be read (unreachable server, deadline, permission denied, ...): a failure
 * to retry. It keeps the failed call's gRPC `code`, so it is counted and reported by its cause as a
 * failed `CreateRun` is.
 */
export class ExperimentReadError extends Error implements NamedCallFailure {
  override readonly name = 'ExperimentReadError';
  /** The call that failed: the condition names it, not the `CreateRun` it stopped. */
  readonly call = EXPERIMENT_READ_CALL;
  /** What went wrong, without the call's name. */
  readonly detail: string;
  /** The gRPC status code of the failed call; undefined when it failed before it had one. */
  readonly code: number | undefined;

  constructor(experimentId: string, cause: unknown) {
    const detail = `experiment ${experimentId}: ${errorText(cause)}`;
    super(`${EXPERIMENT_READ_CALL} ${experimentId}: ${errorText(cause)}`, { cause });
    this.detail = detail;
    const code = (cause as { code?: unknown } | null)?.code;
    this.code = typeof code === 'number' ? code : undefined;
  }
}
