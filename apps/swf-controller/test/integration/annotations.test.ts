import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import {
  applyObjects,
  type KfpApiDouble,
  latestVersionScheduledWorkflow,
  mintServiceAccountToken,
  type RecordedCall,
} from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import {
  createSwf,
  getSwf,
  PIPELINE,
  type RunningController,
  stackControllerSettings,
  startController,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
  workflowsOf as workflowsOfSwf,
} from './env.js';

// The per-schedule annotations against a real kube-apiserver and the KFP API double: parameter
// macros as they arrive at CreateRun, a schedule in Asia/Kolkata next to one in the controller's
// zone, ticks skipped past their starting deadline after a KFP outage, and run-now once per value
// across a controller restart, set by the built CLI with a user's kubeconfig.

const TEAM = 'team-annotations';
const EXPERIMENT = 'exp-annotations';
const PREFIX = 'scheduledworkflows.kubeflow.org/';
const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
let stack: TestStack;
let env: TestEnv;
let kfp: KfpApiDouble;
let restarted: RunningController | undefined;

beforeAll(async () => {
  stack = await startStack({ namespaces: [TEAM], experiments: { [EXPERIMENT]: TEAM } });
  ({ env, kfp } = stack);
}, 300_000);

afterAll(async () => {
  await restarted?.stop();
  await stack?.stop();
});

/** A latest-version recurring run as `CreateRecurringRun` writes it, with annotations and spec changes. */
function recurringRun(
  name: string,
  annotations: Record<string, string>,
  spec: Partial<ScheduledWorkflow['spec']> & { cron?: string } = {},
): ScheduledWorkflow {
  const { cron = '*/2 * * * * *', ...rest } = spec;
  const recorded = latestVersionScheduledWorkflow({
    name,
    namespace: TEAM,
    experimentId: EXPERIMENT,
    pipelineId: PIPELINE.id,
    cron,
  }) as unknown as ScheduledWorkflow;
  return {
    ...recorded,
    metadata: { ...recorded.metadata, annotations },
    spec: { ...recorded.spec, ...rest },
  };
}

const workflowsOf = (name: string) => workflowsOfSwf(env, TEAM, name);

/** CreateRun calls the double answered with a new run, for the ScheduledWorkflow `uid`. */
function createdCalls(uid: string): RecordedCall[] {
  return kfp.calls.filter((c) => c.request.run?.recurringRunId === uid && c.outcome === 'created');
}

function parametersOf(call: RecordedCall): Record<string, unknown> {
  return (call.request.run?.runtimeConfig?.parameters ?? {}) as Record<string, unknown>;
}

async function eventsOf(name: string): Promise<CoreV1Event[]> {
  const list = await env.admin
    .makeApiClient(CoreV1Api)
    .listNamespacedEvent({ namespace: TEAM, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

async function metric(series: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${await stack.controller.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const epochOf = (rfc3339: unknown) => Date.parse(String(rfc3339)) / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('macros on the latest-version path', () => {
  it('arrive at CreateRun expanded for each run: its tick, its start, its index and its run ID', async () => {
    const created = await createSwf(
      env,
      recurringRun(
        'macros',
        {},
        {
          workflow: {
            parameters: [
              { name: 'scheduled', value: '"[[ScheduledTime]]"' },
              { name: 'scheduledIso', value: '"[[ScheduledTime.2006-01-02T15:04:05Z07:00]]"' },
              { name: 'scheduledStrftime', value: `"{{$.scheduledTime.strftime('%Y-%m-%d %H:%M:%S')}}"` },
              { name: 'current', value: '"[[CurrentTime]]"' },
              { name: 'currentUnix', value: `"{{$.currentTime.strftime('%s')}}"` },
              { name: 'runUuid', value: '"[[RunUUID]]"' },
              { name: 'index', value: '[[Index]]' },
              { name: 'nested', value: '{"day": "[[ScheduledTime.2006-01-02]]", "run": [[Index]]}' },
            ],
          },
        },
      ),
    );
    const uid = created.metadata.uid as string;
    const calls = await waitFor('two runs', async () => {
      const found = createdCalls(uid);
      return found.length >= 2 ? found.slice(0, 2) : undefined;
    });
    const workflows = await waitFor('their Workflows', async () => {
      const found = await workflowsOf('macros');
      return found.length >= 2 ? found : undefined;
    });
    const runIdOfIndex = (index: number) =>
      workflows.find((wf: ArgoWorkflow) => wf.metadata.labels?.[`${PREFIX}workflowIndex`] === String(index))
        ?.metadata.labels?.['pipeline/runid'];
    for (const [i, call] of calls.entries()) {
      const p = parametersOf(call);
      expect(JSON.stringify(p)).not.toMatch(/\[\[|\{\{\$/);
      const scheduled = epochOf(p.scheduledIso);
      expect(scheduled % 2).toBe(0);
      expect(p.scheduled).toBe(new Date(scheduled * 1000).toISOString().replace(/[-:T]|\.000Z/g, ''));
      expect(p.scheduledStrftime).toBe(
        new Date(scheduled * 1000).toISOString().slice(0, 19).replace('T', ' '),
      );
      // The start is the controller's clock when it called: at or after the tick, before the answer.
      const current = Number(p.currentUnix);
      expect(p.current).toBe(new Date(current * 1000).toISOString().replace(/[-:T]|\.000Z/g, ''));
      expect(current).toBeGreaterThanOrEqual(scheduled);
      expect(current).toBeLessThanOrEqual(call.at / 1000);
      expect(p.index).toBe(i + 1);
      expect(p.nested).toEqual({ day: String(p.scheduledIso).slice(0, 10), run: i + 1 });
      // [[RunUUID]] is the ID the API server gave the run: its Workflow's pipeline/runid.
      expect(p.runUuid).toBe(runIdOfIndex(i + 1));
    }
    expect(epochOf(parametersOf(calls[1] as RecordedCall).scheduledIso)).toBeGreaterThan(
      epochOf(parametersOf(calls[0] as RecordedCall).scheduledIso),
    );
  });
});

describe('per-schedule time zone', () => {
  it('fires a schedule in Asia/Kolkata on Kolkata hours, next to one read in the controller zone (UTC)', async () => {
    // Every two seconds, but only in this hour and the next one of Kolkata's clock (UTC+05:30): in
    // UTC those hours are 5 or 6 hours away.
    const kolkataHour = (epochMs: number) => new Date(epochMs + 19_800_000).getUTCHours();
    const hours = [kolkataHour(Date.now()), (kolkataHour(Date.now()) + 1) % 24];
    const cron = `*/2 * ${hours.join(',')} * * *`;
    await createSwf(env, recurringRun('in-kolkata', { [`${PREFIX}time-zone`]: 'Asia/Kolkata' }, { cron }));
    const inUtc = await createSwf(env, recurringRun('in-utc', {}, { cron }));

    const [first] = await waitFor('a run in Kolkata', async () => {
      const found = await workflowsOf('in-kolkata');
      return found.length > 0 ? found : undefined;
    });
    // The API server labels its Workflow with the second it made it: within a Kolkata hour of the cron.
    const made = Number(first?.metadata.labels?.['scheduledworkflows.kubeflow.org/workflowEpoch']);
    expect(hours).toContain(kolkataHour(made * 1000));
    const kolkata = await waitFor('the Kolkata status', async () => {
      const swf = await getSwf(env, TEAM, 'in-kolkata');
      return swf.status?.trigger?.lastTriggeredTime ? swf : undefined;
    });
    expect(hours).toContain(kolkataHour(epochOf(kolkata.status?.trigger?.lastTriggeredTime) * 1000));
    expect(kolkata.status?.conditions?.[0]?.type).toBe('Enabled');

    // In UTC the same cron waits for the first of those hours on the UTC clock.
    const created = epochOf(inUtc.metadata.creationTimestamp);
    let expected = (Math.floor(created / 3600) + 1) * 3600;
    while (!hours.includes(new Date(expected * 1000).getUTCHours())) expected += 3600;
    const utc = await waitFor('the UTC status', async () => {
      const swf = await getSwf(env, TEAM, 'in-utc');
      return swf.status?.trigger?.nextTriggeredTime ? swf : undefined;
    });
    expect(epochOf(utc.status?.trigger?.nextTriggeredTime)).toBe(expected);
    expect(await workflowsOf('in-utc')).toEqual([]);
    expect(createdCalls(inUtc.metadata.uid as string)).toEqual([]);
  });

  it('marks an unknown zone with an Error condition and a Warning event naming the annotation, and starts nothing', async () => {
    const created = await createSwf(env, recurringRun('on-mars', { [`${PREFIX}time-zone`]: 'Mars/Olympus' }));
    const swf = await waitFor('the Error condition', async () => {
      const current = await getSwf(env, TEAM, 'on-mars');
      return current.status?.conditions?.[0]?.type === 'Error' ? current : undefined;
    });
    const rule = `metadata.annotations["${PREFIX}time-zone"]: "Mars/Olympus" is not a known IANA time zone`;
    expect(swf.status?.conditions?.[0]?.message).toContain(rule);
    const [warning] = await waitFor('the Warning event', async () => {
      const found = (await eventsOf('on-mars')).filter((e) => e.type === 'Warning');
      return found.length > 0 ? found : undefined;
    });
    expect(warning?.reason).toBe('InvalidSpec');
    expect(warning?.message).toContain(rule);
    await sleep(3_000);
    expect(await workflowsOf('on-mars')).toEqual([]);
    expect(kfp.calls.filter((c) => c.request.run?.recurringRunId === created.metadata.uid)).toEqual([]);
  });
});

describe('starting deadline', () => {
  it('skips the ticks a KFP outage made too late, under both catch-up settings; without it they run late', async () => {
    const DEADLINE = 1;
    const deadline = { [`${PREFIX}starting-deadline-seconds`]: String(DEADLINE) };
    const spec = {
      cron: '*/3 * * * * *',
      maxConcurrency: 10,
      workflow: {
        parameters: [
          { name: 'scheduled', value: '"[[ScheduledTime.2006-01-02T15:04:05Z07:00]]"' },
          { name: 'started', value: `"{{$.currentTime.strftime('%s')}}"` },
        ],
      },
    };
    const skippedBefore = await metric('scheduled_workflow_skipped_ticks_total{reason="starting_deadline"}');
    kfp.setUnavailable(true);
    const catchUp = await createSwf(
      env,
      recurringRun('deadline-catch-up', deadline, { ...spec, noCatchup: false }),
    );
    const noCatchUp = await createSwf(
      env,
      // Every ten seconds: the missed ticks collapse into the latest, which the retries of the
      // outage (backoff 1 s, then 2 s) reach more than the deadline late.
      recurringRun('deadline-no-catch-up', deadline, { ...spec, cron: '*/10 * * * * *', noCatchup: true }),
    );
    const late = await createSwf(env, recurringRun('no-deadline', {}, { ...spec, noCatchup: false }));
    const uids = [catchUp, noCatchUp, late].map((swf) => swf.metadata.uid as string);
    // Fail every call for eight seconds: ticks pass while the runs wait in backoff.
    await waitFor('a failed submit of each', async () => {
      const conditions = await Promise.all(
        [catchUp, noCatchUp, late].map(
          async (swf) => (await getSwf(env, TEAM, swf.metadata.name as string)).status?.conditions?.[0],
        ),
      );
      return conditions.every((c) => c?.reason === 'SubmitFailed') ? true : undefined;
    });
    await sleep(8_000);
    kfp.setUnavailable(false);
    await waitFor(
      'a run of each after the outage',
      async () => (uids.every((uid) => createdCalls(uid).length > 0) ? true : undefined),
      60_000,
    );

    const lateness = (call: RecordedCall) => {
      const p = parametersOf(call);
      return Number(p.started) - epochOf(p.scheduled);
    };
    for (const name of ['deadline-catch-up', 'deadline-no-catch-up']) {
      const uid = name === 'deadline-catch-up' ? uids[0] : uids[1];
      const runs = createdCalls(uid as string);
      // Every run started within the deadline of its tick; none was started late.
      for (const call of runs) expect(lateness(call)).toBeLessThanOrEqual(DEADLINE);
      const skipped = await waitFor(`the skip events of ${name}`, async () => {
        const found = (await eventsOf(name)).filter((e) => e.reason === 'SkippedTicks');
        return found.length > 0 ? found : undefined;
      });
      for (const event of skipped) {
        expect(event.type).toBe('Normal');
        expect(event.message).toContain(`${PREFIX}starting-deadline-seconds=${DEADLINE}`);
        // No skipped tick ran.
        const times = [...(event.message ?? '').matchAll(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g)].map((m) =>
          epochOf(m[0]),
        );
        const [from, to = from] = times;
        for (const call of runs) {
          const tick = epochOf(parametersOf(call).scheduled);
          expect(tick < (from as number) || tick > (to as number)).toBe(true);
        }
      }
      const swf = await getSwf(env, TEAM, name);
      expect(swf.status?.conditions?.[0]?.type).toBe('Enabled');
      const names = runs.map((c) => c.request.run?.displayName);
      expect(new Set(names).size).toBe(names.length);
    }
    // Without the annotation the first run after the outage is the oldest missed tick, late.
    const [firstLate] = createdCalls(uids[2] as string);
    expect(lateness(firstLate as RecordedCall)).toBeGreaterThan(DEADLINE + 2);
    expect((await eventsOf('no-deadline')).filter((e) => e.reason === 'SkippedTicks')).toEqual([]);

    // The metric counts every tick the events report.
    const reported = async () => {
      let count = 0;
      for (const name of ['deadline-catch-up', 'deadline-no-catch-up']) {
        for (const event of await eventsOf(name)) {
          if (event.reason !== 'SkippedTicks') continue;
          count += Number(/skipped (\d+) ticks/.exec(event.message ?? '')?.[1] ?? 1);
        }
      }
      return count;
    };
    const counted = await waitFor('the events and the metric to agree', async () => {
      const total =
        (await metric('scheduled_workflow_skipped_ticks_total{reason="starting_deadline"}')) - skippedBefore;
      return total > 0 && total === (await reported()) ? total : undefined;
    });
    expect(counted).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

describe('run-now', () => {
  let editorKubeconfig: string;
  let viewerKubeconfig: string;

  beforeAll(async () => {
    // A user allowed to patch ScheduledWorkflows in the namespace, and one allowed nothing.
    await applyObjects(env.admin, [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'editor', namespace: TEAM } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'viewer', namespace: TEAM } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'recurring-run-editor', namespace: TEAM },
        rules: [{ apiGroups: ['kubeflow.org'], resources: ['scheduledworkflows'], verbs: ['get', 'patch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'recurring-run-editor', namespace: TEAM },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'recurring-run-editor' },
        subjects: [{ kind: 'ServiceAccount', name: 'editor', namespace: TEAM }],
      },
    ]);
    editorKubeconfig = await env.plane.writeKubeconfig(
      await mintServiceAccountToken(env.admin, TEAM, 'editor'),
      'editor',
    );
    viewerKubeconfig = await env.plane.writeKubeconfig(
      await mintServiceAccountToken(env.admin, TEAM, 'viewer'),
      'viewer',
    );
  });

  /** The built CLI, as an operator runs it. */
  function cli(args: string[]) {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('starts one run per value, also when disabled, and none again after a controller restart', async () => {
    const created = await createSwf(
      env,
      recurringRun('on-demand', {}, { enabled: false, cron: '0 0 * * * *' }),
    );
    const uid = created.metadata.uid as string;

    const first = cli(['run-now', `${TEAM}/on-demand`, '--kubeconfig', editorKubeconfig]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const { runNow: value } = JSON.parse(first.stdout) as { runNow: string };
    expect(JSON.parse(first.stdout)).toEqual({ scheduledWorkflow: `${TEAM}/on-demand`, runNow: value });
    const honoured = await waitFor('the run recorded', async () => {
      const swf = await getSwf(env, TEAM, 'on-demand');
      return swf.metadata.annotations?.[`${PREFIX}run-now-honoured`] === value ? swf : undefined;
    });
    expect(honoured.status?.trigger?.lastWorkflowIndex).toBe(1);
    expect(honoured.status?.trigger?.lastTriggeredTime).toBeUndefined();
    expect(honoured.status?.conditions?.[0]?.type).toBe('Disabled');
    expect(createdCalls(uid)).toHaveLength(1);
    const [run] = await waitFor('its Workflow', async () => {
      const found = await workflowsOf('on-demand');
      return found.length > 0 ? found : undefined;
    });
    expect(run?.metadata.labels?.[`${PREFIX}workflowIndex`]).toBe('1');
    const [normal] = await waitFor('the RunNow event', async () => {
      const found = (await eventsOf('on-demand')).filter((e) => e.reason === 'RunNow');
      return found.length > 0 ? found : undefined;
    });
    expect(normal?.type).toBe('Normal');
    expect(normal?.message).toContain(`${PREFIX}run-now=${JSON.stringify(value)}`);

    // A new controller lists every resource and reconciles it: the value is honoured already.
    await stack.controller.stop();
    restarted = startController(...stackControllerSettings(env, kfp, {}));
    await waitFor('the new controller to sync', async () =>
      restarted?.logs.some((l) => l.msg === 'caches synced') ? true : undefined,
    );
    await sleep(3_000);
    expect(createdCalls(uid)).toHaveLength(1);
    expect(await workflowsOf('on-demand')).toHaveLength(1);

    // The same value again asks for nothing; a new one for exactly one more run, with the next index.
    expect(
      cli(['run-now', `${TEAM}/on-demand`, '--kubeconfig', editorKubeconfig, '--value', value]).code,
    ).toBe(0);
    await sleep(3_000);
    expect(createdCalls(uid)).toHaveLength(1);
    expect(
      cli(['run-now', `${TEAM}/on-demand`, '--kubeconfig', editorKubeconfig, '--value', 'second']).code,
    ).toBe(0);
    const second = await waitFor('the second run recorded', async () => {
      const swf = await getSwf(env, TEAM, 'on-demand');
      return swf.metadata.annotations?.[`${PREFIX}run-now-honoured`] === 'second' ? swf : undefined;
    });
    expect(second.status?.trigger?.lastWorkflowIndex).toBe(2);
    await sleep(2_000);
    const calls = createdCalls(uid);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.request.run?.displayName)).toEqual([
      expect.stringMatching(/^on-demand-1-\d+$/),
      expect.stringMatching(/^on-demand-2-\d+$/),
    ]);
  }, 120_000);

  it.each([
    [
      'a resource that does not exist',
      () => [`${TEAM}/missing`, '--kubeconfig', editorKubeconfig],
      1,
      'not found (404)',
    ],
    [
      'a user who may not patch it',
      () => [`${TEAM}/on-demand`, '--kubeconfig', viewerKubeconfig],
      1,
      `no permission (403): the kubeconfig's user may not patch scheduledworkflows there: `,
    ],
    [
      'a bad key',
      () => ['on-demand', '--kubeconfig', editorKubeconfig],
      2,
      '<namespace>/<name>: must be <namespace>/<name>',
    ],
  ])('exits with one clear line for %s', (_case, args, code, message) => {
    const result = cli(['run-now', ...args()]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
  });

  it('prints its usage with --help', () => {
    const result = cli(['run-now', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('swf-controller run-now <namespace>/<name>');
    expect(result.stdout).toContain(`${PREFIX}run-now`);
  });
});
