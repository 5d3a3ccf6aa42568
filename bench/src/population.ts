/** The ScheduledWorkflows the benchmark creates, and their creation in bulk. */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { formatKubeTime, type ScheduledWorkflow } from '@swf/controller/domain';
import { benchCron } from './schedules.js';

/** Where resource `index` lives and what it runs. */
export interface Placement {
  readonly namespace: string;
  readonly experimentId: string;
}

/** Name of the benchmark's resource `index`. */
export function swfName(index: number): string {
  return `bench-${index}`;
}

/**
 * Resource `index`: a recurring run on the latest-version path (a pipeline ID, no embedded spec, so
 * each fire is a `CreateRun`), firing every `periodSeconds` from `startEpoch` at its own offset.
 */
export function benchScheduledWorkflow(
  index: number,
  placement: Placement,
  periodSeconds: number,
  startEpoch: number,
): ScheduledWorkflow {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { name: swfName(index), namespace: placement.namespace },
    spec: {
      enabled: true,
      maxConcurrency: 10,
      maxHistory: 10,
      trigger: {
        cronSchedule: { cron: benchCron(index, periodSeconds), startTime: formatKubeTime(startEpoch) },
      },
      experimentId: placement.experimentId,
      pipelineId: 'bench-pipeline',
      pipelineVersionId: '',
      serviceAccount: 'pipeline-runner',
      workflow: { parameters: [{ name: 'index', value: String(index) }] },
    },
  };
}

/**
 * Creates `items` as admin with `concurrency` requests in flight, in index order; reports progress
 * through `onProgress` every 1,000 objects.
 *
 * @throws the first failed request's error, once the requests in flight have ended.
 */
export async function createAll(
  admin: KubeConfig,
  items: readonly ScheduledWorkflow[],
  concurrency: number,
  onProgress: (created: number) => void = () => {},
): Promise<void> {
  const custom = admin.makeApiClient(CustomObjectsApi);
  let next = 0;
  let created = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const swf = items[next++] as ScheduledWorkflow;
      await custom
        .createNamespacedCustomObject({
          group: 'kubeflow.org',
          version: 'v1beta1',
          plural: 'scheduledworkflows',
          namespace: swf.metadata.namespace as string,
          body: swf,
        })
        .catch((error: unknown) => {
          failed = true;
          throw error;
        });
      created += 1;
      if (created % 1_000 === 0) onProgress(created);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: concurrency }, worker));
  const rejected = results.find((result) => result.status === 'rejected');
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
}
