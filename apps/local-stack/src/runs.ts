/** Label keys the controller puts on the Workflows it creates (upstream's names). */
const LABEL_SCHEDULED_WORKFLOW_NAME = 'scheduledworkflows.kubeflow.org/scheduledWorkflowName';
const LABEL_WORKFLOW_EPOCH = 'scheduledworkflows.kubeflow.org/workflowEpoch';

/** The parts of a ScheduledWorkflow the view reads. */
export interface ScheduleObject {
  readonly metadata: { readonly uid?: string; readonly name?: string; readonly namespace?: string };
  readonly spec: {
    readonly trigger?: {
      readonly cronSchedule?: { readonly cron?: string };
      readonly periodicSchedule?: { readonly intervalSecond?: number };
    };
    readonly workflow?: { readonly spec?: unknown };
  };
  readonly status?: {
    readonly conditions?: ReadonlyArray<{ readonly type?: string; readonly message?: string }>;
    readonly trigger?: {
      readonly lastWorkflowIndex?: number;
      readonly lastTriggeredTime?: string;
      readonly nextTriggeredTime?: string;
    };
  };
}

/** A ScheduledWorkflow as last seen, with the scheduled time of every run index its statuses named. */
export interface ObservedSchedule {
  readonly object: ScheduleObject;
  /** Run index to the epoch milliseconds it was scheduled for. */
  readonly scheduledByIndex: ReadonlyMap<number, number>;
}

/** A `CreateRun` call as the KFP API server saw it. */
export interface ObservedCall {
  readonly displayName: string;
  readonly recurringRunId: string;
  /** The identity it authenticated, `null` when none. */
  readonly identity: string | null;
  /** `created`, `deduplicated`, or the error. */
  readonly outcome: string;
  /** The Argo Workflow the API server created for the call, `null` when it created none. */
  readonly workflow: string | null;
  /** When the call was answered, epoch milliseconds. */
  readonly at: number;
}

/** A Workflow as the view's watch received it. */
export interface ObservedWorkflow {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** When the watch delivered it, epoch milliseconds. */
  readonly seenAt: number;
}

/** One run in the view. */
export interface RunRow {
  readonly schedule: string;
  readonly run: string;
  readonly path: 'CreateRun' | 'Workflow';
  /** Who the API server authenticated the creator as. */
  readonly identity: string | null;
  readonly receivedAt: number;
  /** The second the run was scheduled for, epoch milliseconds; `null` until a status names it. */
  readonly scheduledAt: number | null;
  /** `receivedAt - scheduledAt`. */
  readonly latenessMs: number | null;
  readonly outcome: string;
  /** For a `CreateRun` run: the Workflow the API server created for it, `null` when none. */
  readonly workflow: string | null;
}

/** One schedule in the view. */
export interface ScheduleRow {
  readonly schedule: string;
  readonly trigger: string;
  readonly path: 'CreateRun' | 'Workflow';
  readonly runs: number;
  readonly lastScheduledAt: number | null;
  readonly nextAt: number | null;
  /** The condition type, with its message when it is an error. */
  readonly condition: string;
}

/** `namespace/name`. */
export function scheduleKey(object: ScheduleObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

/** The run index in a run name `<schedule>-<index>-<hash>`, or `null`. */
export function runIndex(name: string): number | null {
  const match = /-(\d+)-\d+$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** The run index and scheduled epoch milliseconds a status records for its latest run, or `null`. */
export function triggeredRun(object: ScheduleObject): [number, number] | null {
  const trigger = object.status?.trigger;
  const index = trigger?.lastWorkflowIndex;
  const at = Date.parse(trigger?.lastTriggeredTime ?? '');
  return index === undefined || Number.isNaN(at) ? null : [index, at];
}

/** The trigger in a few words: `cron <expression>` or `periodic <N> s`. */
export function describeTrigger(object: ScheduleObject): string {
  const trigger = object.spec.trigger;
  if (trigger?.cronSchedule?.cron) return `cron ${trigger.cronSchedule.cron}`;
  if (trigger?.periodicSchedule) return `periodic ${trigger.periodicSchedule.intervalSecond ?? 0} s`;
  return 'no trigger';
}

function pathOf(object: ScheduleObject): 'CreateRun' | 'Workflow' {
  return object.spec.workflow?.spec ? 'Workflow' : 'CreateRun';
}

function epochOrNull(time: string | undefined): number | null {
  const at = Date.parse(time ?? '');
  return Number.isNaN(at) ? null : at;
}

/** The schedule table, in key order. */
export function scheduleRows(schedules: readonly ObservedSchedule[]): ScheduleRow[] {
  return schedules
    .map(({ object }): ScheduleRow => {
      const condition = object.status?.conditions?.[0];
      return {
        schedule: scheduleKey(object),
        trigger: describeTrigger(object),
        path: pathOf(object),
        runs: object.status?.trigger?.lastWorkflowIndex ?? 0,
        lastScheduledAt: epochOrNull(object.status?.trigger?.lastTriggeredTime),
        nextAt: epochOrNull(object.status?.trigger?.nextTriggeredTime),
        condition:
          condition?.type === 'Error' ? `Error: ${condition.message ?? ''}` : (condition?.type ?? 'pending'),
      };
    })
    .sort((a, b) => a.schedule.localeCompare(b.schedule));
}

/**
 * Every run, newest first: `CreateRun` calls with the identity the KFP API server authenticated
 * and the Workflow it created, and the Workflows the controller created for schedules with an
 * embedded spec, with `workflowIdentity` (who the kube-apiserver authenticates the controller as).
 * The Workflows of a `CreateRun` schedule are the API server's, shown with their calls, not apart.
 */
export function runRows(
  schedules: readonly ObservedSchedule[],
  calls: readonly ObservedCall[],
  workflows: readonly ObservedWorkflow[],
  workflowIdentity: string | null,
): RunRow[] {
  const byUid = new Map(schedules.map((s) => [s.object.metadata.uid ?? '', s]));
  const fromCalls = calls.map((call): RunRow => {
    const schedule = byUid.get(call.recurringRunId);
    const index = runIndex(call.displayName);
    const scheduledAt = index === null ? null : (schedule?.scheduledByIndex.get(index) ?? null);
    return row({
      schedule: schedule ? scheduleKey(schedule.object) : call.recurringRunId,
      run: call.displayName,
      path: 'CreateRun',
      identity: call.identity,
      receivedAt: call.at,
      scheduledAt,
      outcome: call.outcome,
      workflow: call.workflow,
    });
  });
  const byName = new Map(schedules.map((s) => [scheduleKey(s.object), s]));
  const controllerMade = workflows.filter((workflow) => {
    const owner = byName.get(`${workflow.namespace}/${workflow.labels[LABEL_SCHEDULED_WORKFLOW_NAME] ?? ''}`);
    return owner !== undefined && pathOf(owner.object) === 'Workflow';
  });
  const fromWorkflows = controllerMade.map((workflow): RunRow => {
    const epoch = Number(workflow.labels[LABEL_WORKFLOW_EPOCH]);
    return row({
      schedule: `${workflow.namespace}/${workflow.labels[LABEL_SCHEDULED_WORKFLOW_NAME] ?? '?'}`,
      run: workflow.name,
      path: 'Workflow',
      identity: workflowIdentity,
      receivedAt: workflow.seenAt,
      scheduledAt: Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : null,
      outcome: 'created',
      workflow: null,
    });
  });
  return [...fromCalls, ...fromWorkflows].sort((a, b) => b.receivedAt - a.receivedAt);
}

function row(fields: Omit<RunRow, 'latenessMs'>): RunRow {
  return {
    ...fields,
    latenessMs: fields.scheduledAt === null ? null : fields.receivedAt - fields.scheduledAt,
  };
}
