import { status } from '@grpc/grpc-js';
import { Experiment } from '@swf/kfp-api';
import { ScheduledWorkflowSpecError } from '../domain/errors.js';
import type { ScheduledWorkflow } from '../domain/types.js';
import {
  CROSS_NAMESPACE_EXPERIMENT_REASON,
  crossNamespaceProblem,
  ExperimentNamespaces,
  ExperimentReadError,
  PREFETCH_RETRY_MS,
} from './experiment-namespaces.js';
import type { ExperimentReader } from './run-client.js';

describe('crossNamespaceProblem', () => {
  it.each([
    ['the experiment is in the resource namespace', 'team-a', 'team-a', null],
    ['the experiment has no namespace (single-user KFP)', 'team-a', '', null],
    ['the experiment is in another namespace', 'team-a', 'team-b', CROSS_NAMESPACE_EXPERIMENT_REASON],
    ['only the case differs', 'team-a', 'Team-A', CROSS_NAMESPACE_EXPERIMENT_REASON],
    ['the resource namespace only starts like it', 'team', 'team-b', CROSS_NAMESPACE_EXPERIMENT_REASON],
  ])('when %s: %s, %s -> %s', (_case, resourceNamespace, experimentNamespace, reason) => {
    const problem = crossNamespaceProblem(resourceNamespace, 'exp-1', experimentNamespace);
    expect(problem?.reason ?? null).toBe(reason);
  });

  it('names the field, both namespaces and the way to turn the check off', () => {
    const problem = crossNamespaceProblem('team-a', 'exp-b', 'team-b');
    expect(problem).toBeInstanceOf(ScheduledWorkflowSpecError);
    expect(problem?.field).toBe('spec.experimentId');
    expect(problem?.rule).toBe(
      "experiment exp-b belongs to namespace team-b, not to this resource's namespace team-a: runs start only " +
        "in the resource's own namespace (--allowCrossNamespaceExperiments turns this check off)",
    );
  });
});

function swf(namespace: string, experimentId?: string): ScheduledWorkflow {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { name: 'nightly', namespace },
    spec: { ...(experimentId === undefined ? {} : { experimentId }) },
  };
}

/** Answers from a table and counts the reads; a queued error answers the next read instead. */
class TableReader implements ExperimentReader {
  readonly reads: string[] = [];
  readonly failures: Error[] = [];
  readonly #namespaces: Record<string, string>;

  constructor(namespaces: Record<string, string>) {
    this.#namespaces = namespaces;
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    this.reads.push(experimentId);
    await new Promise((resolve) => setImmediate(resolve));
    const failure = this.failures.shift();
    if (failure) throw failure;
    const namespace = this.#namespaces[experimentId];
    if (namespace === undefined) throw grpcError(status.NOT_FOUND, `Experiment ${experimentId} not found`);
    return Experiment.fromPartial({ experimentId, namespace });
  }
}

function grpcError(code: status, details: string): Error {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('ExperimentNamespaces', () => {
  const TABLE = { 'exp-a': 'team-a', 'exp-b': 'team-b' };

  it("passes a resource naming its own namespace's experiment and refuses one naming another's", async () => {
    const guard = new ExperimentNamespaces(new TableReader(TABLE), { allowCrossNamespace: false });
    await expect(guard.check(swf('team-a', 'exp-a'))).resolves.toBeUndefined();
    const refused = await rejection(guard.check(swf('team-a', 'exp-b')));
    expect(refused).toBeInstanceOf(ScheduledWorkflowSpecError);
    expect(refused).toMatchObject({ field: 'spec.experimentId', reason: CROSS_NAMESPACE_EXPERIMENT_REASON });
  });

  it('reads each experiment once, however many resources and checks name it, at once or later', async () => {
    const reader = new TableReader(TABLE);
    const guard = new ExperimentNamespaces(reader, { allowCrossNamespace: false });
    await Promise.all([guard.check(swf('team-a', 'exp-a')), guard.check(swf('team-a', 'exp-a'))]);
    await guard.check(swf('team-a', 'exp-a'));
    await rejection(guard.check(swf('team-a', 'exp-b')));
    await guard.check(swf('team-b', 'exp-b'));
    expect(reader.reads).toEqual(['exp-a', 'exp-b']);
  });

  it('reads nothing when turned off, and lets every experiment through', async () => {
    const reader = new TableReader(TABLE);
    const guard = new ExperimentNamespaces(reader, { allowCrossNamespace: true });
    await expect(guard.check(swf('team-a', 'exp-b'))).resolves.toBeUndefined();
    expect(reader.reads).toEqual([]);
  });

  it('reads nothing for a resource that names no experiment', async () => {
    const reader = new TableReader(TABLE);
    const guard = new ExperimentNamespaces(reader, { allowCrossNamespace: false });
    await expect(guard.check(swf('team-a'))).resolves.toBeUndefined();
    await expect(guard.check(swf('team-a', ''))).resolves.toBeUndefined();
    expect(reader.reads).toEqual([]);
  });

  it('reports a failed read as a failure to retry, not a spec error, and reads again next time', async () => {
    const reader = new TableReader(TABLE);
    reader.failures.push(grpcError(status.UNAVAILABLE, 'connection refused'));
    const guard = new ExperimentNamespaces(reader, { allowCrossNamespace: false });
    const failed = await rejection(guard.check(swf('team-a', 'exp-a')));
    expect(failed).not.toBeInstanceOf(ScheduledWorkflowSpecError);
    expect(failed).toBeInstanceOf(ExperimentReadError);
    expect(failed).toMatchObject({ code: status.UNAVAILABLE });
    expect(failed.message).toBe('ExperimentService.GetExperiment exp-a: 14 UNAVAILABLE: connection refused');
    await expect(guard.check(swf('team-a', 'exp-a'))).resolves.toBeUndefined();
    expect(reader.reads).toEqual(['exp-a', 'exp-a']);
  });

  it('prefetches a namespace so that the check reads nothing more', async () => {
    const reader = new TableReader(TABLE);
    const guard = new ExperimentNamespaces(reader, { allowCrossNamespace: false });
    guard.prefetch(swf('team-a', 'exp-a'));
    guard.prefetch(swf('team-a', 'exp-a'));
    expect(reader.reads).toEqual(['exp-a']);
    await guard.check(swf('team-a', 'exp-a'));
    expect(reader.reads).toEqual(['exp-a']);
  });

  it('drops a failed prefetch without a rejection left over, and the check reads again', async () => {
    const reader = new TableReader(TABLE);
    reader.failures.push(grpcError(status.UNAVAILABLE, 'connection refused'));
    const guard = new ExperimentNamespaces(reader, { allowCrossNamespace: false });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      guard.prefetch(swf('team-a', 'exp-a'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      await guard.check(swf('team-a', 'exp-a'));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(reader.reads).toEqual(['exp-a', 'exp-a']);
  });

  it('does not prefetch an experiment again for a minute after a prefetch of it failed', async () => {
    const reader = new TableReader(TABLE);
    let now = 0;
    const guard = new ExperimentNamespaces(reader, { allowCrossNamespace: false, now: () => now });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
    guard.prefetch(swf('team-a', 'exp-gone'));
    await settle();
    now = PREFETCH_RETRY_MS - 1;
    guard.prefetch(swf('team-a', 'exp-gone'));
    await settle();
    expect(reader.reads).toEqual(['exp-gone']);
    await rejection(guard.check(swf('team-a', 'exp-gone')));
    expect(reader.reads).toEqual(['exp-gone', 'exp-gone']);
    now = PREFETCH_RETRY_MS;
    guard.prefetch(swf('team-a', 'exp-gone'));
    await settle();
    expect(reader.reads).toEqual(['exp-gone', 'exp-gone', 'exp-gone']);
  });

  it('prefetches nothing when turned off or when no experiment is named', () => {
    const reader = new TableReader(TABLE);
    new ExperimentNamespaces(reader, { allowCrossNamespace: true }).prefetch(swf('team-a', 'exp-a'));
    new ExperimentNamespaces(reader, { allowCrossNamespace: false }).prefetch(swf('team-a'));
    expect(reader.reads).toEqual([]);
  });

  it('reports an experiment the API server does not know as a spec error on spec.experimentId', async () => {
    const reader = new TableReader(TABLE);
    const guard = new ExperimentNamespaces(reader, { allowCrossNamespace: false });
    const failed = await rejection(guard.check(swf('team-a', 'exp-x')));
    expect(failed).toBeInstanceOf(ScheduledWorkflowSpecError);
    expect(failed).toMatchObject({ field: 'spec.experimentId', reason: undefined });
    expect(failed.message).toContain('the KFP API server has no experiment exp-x');
  });
});
