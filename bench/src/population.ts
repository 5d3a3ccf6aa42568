/** The ScheduledWorkflows each scenario creates, and their creation in bulk. */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { formatKubeTime, type ScheduledWorkflow } from '@swf/controller/domain';
import type { EndToEndArgs, RunPath } from './args.js';
import { benchCron, burstCron, burstSecond, FireTimes } from './schedules.js';

/** Where resource `index` lives and what it runs. */
export interface Placement {
  readonly namespace: string;
  readonly experimentId: string;
}

/** The namespace and KFP experiment of team `index`. */
export function team(index: number): Placement {
  return { namespace: `team-${index}`, experimentId: `exp-team-${index}` };
}

/** Name of the benchmark's resource `index`. */
export function swfName(index: number): string {
  return `bench-${index}`;
}

/**
 * The Argo spec of the embedded path: the smallest Workflow spec the benchmark's minimal Workflow
 * CRD accepts (the fault tests' `ARGO_SPEC`). No Argo controller runs it.
 */
export const EMBEDDED_WORKFLOW_SPEC = {
  entrypoint: 'main',
  templates: [{ name: 'main', container: { image: 'busybox', command: ['echo', 'hello'] } }],
} as const;

/** How one resource is scheduled, and whether it may run. */
export interface Schedule {
  /** A six-field cron expression (seconds first). */
  readonly cron: string;
  /** `cronSchedule.startTime`, epoch seconds. */
  readonly startEpoch: number;
  readonly enabled: boolean;
  readonly maxConcurrency: number;
  readonly noCatchup: boolean;
}

/**
 * What keeps an idle resource from firing: `disabled` (`enabled: false`), `blocked` (one run
 * active that never finishes, `maxConcurrency: 1`, `noCatchup: true`) or `waiting` (its first fire
 * a year away).
 */
export type IdleKind = 'disabled' | 'blocked' | 'waiting';

/** The idle kinds, in the order resources take them. */
export const IDLE_KINDS: readonly IdleKind[] = ['disabled', 'blocked', 'waiting'];

/** How far a waiting resource's start lies ahead: a year. */
export const WAITING_SECONDS = 365 * 24 * 3600;

/** Resource `index` of the idle scenario is of kind `IDLE_KINDS[index mod 3]`. */
export function idleKindOf(index: number): IdleKind {
  return IDLE_KINDS[index % IDLE_KINDS.length] as IdleKind;
}

/** Up to `maxConcurrency` runs at a time (10, upstream's highest), so steady firing is never held back. */
const FREE_CONCURRENCY = 10;

/** Resource `index` of the steady scenario: every `periodSeconds` from `startEpoch`, at its own offset. */
export function steadySchedule(index: number, periodSeconds: number, startEpoch: number): Schedule {
  return {
    cron: benchCron(index, periodSeconds),
    startEpoch,
    enabled: true,
    maxConcurrency: FREE_CONCURRENCY,
    noCatchup: false,
  };
}

/** Every resource of a burst: first due at `dueEpoch` (a whole minute), then every hour. */
export function burstSchedule(dueEpoch: number, startEpoch: number): Schedule {
  return {
    cron: burstCron(dueEpoch),
    startEpoch,
    enabled: true,
    maxConcurrency: FREE_CONCURRENCY,
    noCatchup: false,
  };
}

/**
 * Resource `index` of the idle scenario, of kind {@link idleKindOf}: its cron fires every
 * `periodSeconds` at its own offset (a blocked resource's first fire makes the run that then never
 * finishes), from `startEpoch`, or a year later for a waiting one.
 */
export function idleSchedule(index: number, periodSeconds: number, startEpoch: number): Schedule {
  const kind = idleKindOf(index);
  return {
    cron: benchCron(index, periodSeconds),
    startEpoch: kind === 'waiting' ? startEpoch + WAITING_SECONDS : startEpoch,
    enabled: kind !== 'disabled',
    maxConcurrency: kind === 'blocked' ? 1 : FREE_CONCURRENCY,
    noCatchup: kind === 'blocked',
  };
}

/** The pipeline every latest-version resource runs: its ID, and the name its Workflows are named by. */
export const BENCH_PIPELINE = Object.freeze({ id: 'bench-pipeline', name: 'bench-pipeline' });

/**
 * Resource `index` on `path`: the latest-version path (a pipeline ID, no embedded spec, so each fire
 * is a `CreateRun`) or an embedded Argo spec (each fire is a Workflow the controller creates).
 */
export function benchScheduledWorkflow(
  index: number,
  placement: Placement,
  path: RunPath,
  schedule: Schedule,
): ScheduledWorkflow {
  const runs =
    path === 'latest'
      ? {
          experimentId: placement.experimentId,
          pipelineId: BENCH_PIPELINE.id,
          pipelineVersionId: '',
          workflow: { parameters: [{ name: 'index', value: String(index) }] },
        }
      : { workflow: { spec: EMBEDDED_WORKFLOW_SPEC } };
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: { name: swfName(index), namespace: placement.namespace },
    spec: {
      enabled: schedule.enabled,
      maxConcurrency: schedule.maxConcurrency,
      maxHistory: 10,
      ...(schedule.noCatchup && { noCatchup: true }),
      trigger: {
        cronSchedule: { cron: schedule.cron, startTime: formatKubeTime(schedule.startEpoch) },
      },
      serviceAccount: 'pipeline-runner',
      ...runs,
    },
  } as ScheduledWorkflow;
}

/** The resources of one run of the benchmark, and what the analysis needs to know of them. */
export interface Population {
  readonly items: readonly ScheduledWorkflow[];
  /** The fire times of each resource, by name. */
  readonly schedules: ReadonlyMap<string, FireTimes>;
  /** The idle kind of each resource, by name (idle scenario only; empty otherwise). */
  readonly idleKinds: ReadonlyMap<string, IdleKind>;
  /** Resource 0's cron, for the report. */
  readonly cronExample: string;
  /** The burst's scheduled second (burst scenario only). */
  readonly burstEpoch: number | null;
}

/**
 * The resources of `args.scenario`, spread over the namespaces, with schedules that start at
 * `startEpoch` (a burst is due at the first whole minute from then).
 */
export function planPopulation(
  args: Pick<EndToEndArgs, 'scenario' | 'path' | 'n' | 'namespaces' | 'periodSeconds'>,
  startEpoch: number,
): Population {
  const burstEpoch = args.scenario === 'burst' ? burstSecond(startEpoch) : null;
  const scheduleOf = (index: number): Schedule => {
    if (burstEpoch !== null) return burstSchedule(burstEpoch, startEpoch);
    return args.scenario === 'idle'
      ? idleSchedule(index, args.periodSeconds, startEpoch)
      : steadySchedule(index, args.periodSeconds, startEpoch);
  };
  const items: ScheduledWorkflow[] = [];
  const schedules = new Map<string, FireTimes>();
  const idleKinds = new Map<string, IdleKind>();
  for (let index = 0; index < args.n; index += 1) {
    const schedule = scheduleOf(index);
    const name = swfName(index);
    items.push(benchScheduledWorkflow(index, team(index % args.namespaces), args.path, schedule));
    schedules.set(name, new FireTimes(schedule.cron, schedule.startEpoch));
    if (args.scenario === 'idle') idleKinds.set(name, idleKindOf(index));
  }
  return { items, schedules, idleKinds, cronExample: scheduleOf(0).cron, burstEpoch };
}

/**
 * Creates `items` as admin with `concurrency` requests in flight, in index order; reports progress
 * through `onProgress` every 1,000 objects. Resolves with the objects as created (uids assigned),
 * in the order they were answered.
 *
 * @throws the first failed request's error, once the requests in flight have ended.
 */
export async function createAll(
  admin: KubeConfig,
  items: readonly ScheduledWorkflow[],
  concurrency: number,
  onProgress: (created: number) => void = () => {},
): Promise<ScheduledWorkflow[]> {
  const custom = admin.makeApiClient(CustomObjectsApi);
  const made: ScheduledWorkflow[] = [];
  let next = 0;
  let created = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const swf = items[next++] as ScheduledWorkflow;
      const answer = await custom
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
      made.push(answer as ScheduledWorkflow);
      created += 1;
      if (created % 1_000 === 0) onProgress(created);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: concurrency }, worker));
  const rejected = results.find((result) => result.status === 'rejected');
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  return made;
}
