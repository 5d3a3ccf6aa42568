import { FAULT_CRASH_AT_ENV, SUBMIT_STEPS } from '@swf/contract';
import type { ArgoStandIn, KfpApiDouble } from '@swf/testkit';
import type { ArgoWorkflow } from '../../src/domain/argo.js';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import { createSwf, getSwf, startEnv, startKfpDouble, type TestEnv } from '../integration/env.js';
import {
  ControllerProcess,
  callsOf,
  completeWorkflows,
  controllerFlags,
  embeddedSwf,
  KILLED_EXIT_CODE,
  latestVersionSwf,
  multiUserEnv,
  paths,
  poll,
  report,
  tally,
  tickOf,
  watchAll,
  within,
  workflowRun,
  workflowsOf,
} from './harness.js';

const NS_WORKFLOW = 'crash-wf';
const NS_CREATE_RUN = 'crash-run';
const EXPERIMENT = 'exp-crash';
const SECONDS = 2;
/** Rounds of every crash point on both paths: 7 x 4 x 2 = 56 kills. */
const ROUNDS = 7;
/** The controller's own crash steps, then a kill -9 from outside the moment the create lands. */
const POINTS = [...SUBMIT_STEPS, 'in-flight'] as const;
const PATHS = ['workflow', 'create_run'] as const;
type Point = (typeof POINTS)[number];
type Path = (typeof PATHS)[number];

let env: TestEnv;
let kfp: KfpApiDouble;
let completer: ArgoStandIn;
let workflowWatch: { stop(): void };
let onWorkflowAdded: (() => void) | undefined;
const swfs = {} as Record<Path, ScheduledWorkflow>;

beforeAll(async () => {
  env = await startEnv([NS_WORKFLOW, NS_CREATE_RUN]);
  kfp = await startKfpDouble(env, { [EXPERIMENT]: NS_CREATE_RUN });
  completer = completeWorkflows(env);
  workflowWatch = watchAll<ArgoWorkflow>(env, paths.workflows(NS_WORKFLOW), ({ type }) => {
    if (type === 'ADDED') onWorkflowAdded?.();
  });
  swfs.workflow = await createSwf(env, embeddedSwf(NS_WORKFLOW, 'crash-wf', SECONDS));
  swfs.create_run = await createSwf(env, latestVersionSwf(NS_CREATE_RUN, 'crash-run', EXPERIMENT, SECONDS));
}, 300_000);

afterAll(async () => {
  await ControllerProcess.stopAll();
  workflowWatch?.stop();
  await completer?.stop();
  await kfp?.close();
  await env?.stop();
});

function namespaceOf(path: Path): string {
  return path === 'workflow' ? NS_WORKFLOW : NS_CREATE_RUN;
}

async function lastIndexOf(path: Path): Promise<number> {
  const swf = await getSwf(env, namespaceOf(path), swfs[path].metadata.name as string);
  return swf.status?.trigger?.lastWorkflowIndex ?? 0;
}

/** Log line of a retry that found its run made (the Workflow exists) and recorded it without a create. */
const ADOPTED = 'run already made (its Workflow exists); recording it';

/** Log lines of submits that passed their create step: a create answered, or a made run found. */
function submitsLogged(controller: ControllerProcess): number {
  return controller
    .logs()
    .filter((l) => l.msg === 'workflow submitted' || l.msg === 'run created' || l.msg === ADOPTED).length;
}

function adoptedLogged(controller: ControllerProcess, path?: Path): number {
  const key = path === undefined ? undefined : `${namespaceOf(path)}/`;
  return controller
    .logs()
    .filter((l) => l.msg === ADOPTED && (key === undefined || String(l.key).startsWith(key))).length;
}

/** Kills the controller from outside the moment its next create reaches the API. */
function killWhenCreateLands(path: Path, controller: ControllerProcess): void {
  const kill = () => controller.kill('SIGKILL');
  if (path === 'workflow') {
    onWorkflowAdded = kill;
    return;
  }
  kfp.waitForCalls(kfp.calls.length + 1, 60_000).then(kill, () => undefined);
}

interface Cycle {
  readonly path: Path;
  readonly point: Point;
  readonly code: number | null;
  readonly submits: number;
  /** Workflows the controller found already created (a retry after a crash adopting its run). */
  readonly adopted: number;
  readonly calls: number;
  readonly indexBefore: number;
  readonly indexAfter: number;
  readonly ms: number;
}

/** Starts a controller on one path's namespace and waits for it to die at `point`. */
async function crashOnce(n: number, path: Path, point: Point): Promise<Cycle> {
  const started = Date.now();
  const indexBefore = await lastIndexOf(path);
  const callsBefore = kfp.calls.length;
  const hook: Record<string, string> = point === 'in-flight' ? {} : { [FAULT_CRASH_AT_ENV]: point };
  const controller = await ControllerProcess.start(
    `crash-${String(n).padStart(2, '0')}-${path}-${point}`,
    controllerFlags(env, kfp, [`--namespace=${namespaceOf(path)}`]),
    multiUserEnv(hook),
  );
  if (point === 'in-flight') killWhenCreateLands(path, controller);
  const code = await within(controller.exited, 60_000, `${controller.name} to crash`);
  onWorkflowAdded = undefined;
  controller.reap();
  return {
    path,
    point,
    code,
    submits: submitsLogged(controller),
    adopted: adoptedLogged(controller),
    calls: kfp.calls.length - callsBefore,
    indexBefore,
    indexAfter: await lastIndexOf(path),
    ms: Date.now() - started,
  };
}

const cycles: Cycle[] = [];

describe('kill -9 at every step of a submit, on both paths', () => {
  it(`dies where asked, ${ROUNDS * POINTS.length * PATHS.length} times`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      for (const point of POINTS) {
        for (const path of PATHS) cycles.push(await crashOnce(cycles.length + 1, path, point));
      }
    }
    const byPoint = (point: Point) => cycles.filter((c) => c.point === point);
    // Every controller died of SIGKILL: its own at a step, ours in flight.
    expect(cycles.filter((c) => c.code !== (c.point === 'in-flight' ? null : KILLED_EXIT_CODE))).toEqual([]);
    // Before the create: nothing reached either API, the status stands.
    expect(byPoint('before-submit').filter((c) => c.submits !== 0 || c.indexAfter !== c.indexBefore)).toEqual(
      [],
    );
    // After the create, before the status write: one create answered, the status stands.
    expect(byPoint('after-submit').filter((c) => c.submits !== 1 || c.indexAfter !== c.indexBefore)).toEqual(
      [],
    );
    // After the status write: one create answered and recorded.
    expect(
      byPoint('after-status').filter((c) => c.submits !== 1 || c.indexAfter !== c.indexBefore + 1),
    ).toEqual([]);
    // A CreateRun cycle calls once, unless its first submit found the run a crash left made.
    for (const c of cycles.filter((c) => c.path === 'create_run' && c.point !== 'in-flight')) {
      expect(c.calls + c.adopted).toBe(c.point === 'before-submit' ? 0 : 1);
    }
    report('crashes', {
      kills: cycles.length,
      meanCycleMs: Math.round(cycles.reduce((sum, c) => sum + c.ms, 0) / cycles.length),
      inFlightKillsBeforeAnswer: byPoint('in-flight').filter((c) => c.submits === 0).length,
    });
  });

  it('then makes every tick exactly once: no run lost, none doubled', async () => {
    const controller = await ControllerProcess.start(
      'crash-final',
      controllerFlags(env, kfp),
      multiUserEnv(),
    );
    const caughtUp = async (path: Path) => {
      const swf = await getSwf(env, namespaceOf(path), swfs[path].metadata.name as string);
      const last = Date.parse(swf.status?.trigger?.lastTriggeredTime ?? '') / 1000;
      return last >= Date.now() / 1000 - SECONDS - 1 ? swf : undefined;
    };
    const started = Date.now();
    await poll('the Workflow path to catch up', () => caughtUp('workflow'), 120_000);
    await poll('the CreateRun path to catch up', () => caughtUp('create_run'), 120_000);
    const catchUpMs = Date.now() - started;
    // A graceful stop lets the reconciles in flight write their status; read it after.
    await controller.stop();
    const final = {
      workflow: await getSwf(env, NS_WORKFLOW, 'crash-wf'),
      create_run: await getSwf(env, NS_CREATE_RUN, 'crash-run'),
    };

    // The Workflow path: one Workflow per index 1..N, each for its own tick.
    const count = final.workflow.status?.trigger?.lastWorkflowIndex ?? 0;
    const runs = (await workflowsOf(env, NS_WORKFLOW, 'crash-wf')).map(workflowRun);
    expect(
      tally(
        runs.map((r) => r.index),
        count,
      ),
    ).toEqual({ duplicates: [], missing: [] });
    expect(runs).toHaveLength(count);
    expect(runs.filter((r) => r.epoch !== tickOf(swfs.workflow, SECONDS, r.index))).toEqual([]);

    // The CreateRun path, counted as an operator counts it, by the Workflows the API server made:
    // one per index 1..N, each for its own run name, and as many stored runs.
    const uid = swfs.create_run.metadata.uid;
    const runCount = final.create_run.status?.trigger?.lastWorkflowIndex ?? 0;
    const serverMade = await workflowsOf(env, NS_CREATE_RUN, 'crash-run');
    expect(
      tally(
        serverMade.map((wf) => workflowRun(wf).index),
        runCount,
      ),
    ).toEqual({ duplicates: [], missing: [] });
    expect(serverMade).toHaveLength(runCount);
    const runNames = serverMade.map((wf) => wf.metadata.annotations?.['pipelines.kubeflow.org/run_name']);
    expect(new Set(runNames).size).toBe(runCount);
    expect(kfp.runs().filter((r) => r.recurringRunId === uid)).toHaveLength(runCount);
    expect(Date.parse(final.create_run.status?.trigger?.lastTriggeredTime ?? '') / 1000).toBe(
      tickOf(swfs.create_run, SECONDS, runCount),
    );

    // The crash window between create and status write was hit on both paths, and each retry found
    // the made run and recorded it without a second create: no display name was ever called twice.
    const adopted = (path: Path) =>
      cycles.filter((c) => c.path === path).reduce((sum, c) => sum + c.adopted, 0) +
      adoptedLogged(controller, path);
    const calledTwice = callsOf(kfp, uid).filter((c) => c.outcome === 'deduplicated').length;
    expect(adopted('workflow')).toBeGreaterThanOrEqual(ROUNDS);
    expect(adopted('create_run')).toBeGreaterThanOrEqual(ROUNDS);
    expect(calledTwice).toBe(0);
    report('crashes: after recovery', {
      workflowRuns: count,
      workflowAdopted: adopted('workflow'),
      createRunRuns: runCount,
      createRunWorkflows: serverMade.length,
      createRunAdopted: adopted('create_run'),
      createRunCalledTwice: calledTwice,
      catchUpMs,
    });
  });
});
