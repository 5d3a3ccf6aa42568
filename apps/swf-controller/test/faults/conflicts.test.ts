import type { ArgoStandIn, KfpApiDouble } from '@swf/testkit';
import type { ScheduledWorkflow } from '../../src/domain/types.js';
import { statusCode } from '../../src/kube/kube-api.js';
import { createSwf, getSwf, startEnv, startKfpDouble, type TestEnv } from '../integration/env.js';
import {
  ControllerProcess,
  completeWorkflows,
  controllerFlags,
  createdOf,
  embeddedSwf,
  latestVersionSwf,
  mergePatchSwf,
  multiUserEnv,
  paths,
  percentile,
  poll,
  report,
  runIndex,
  type Seen,
  tally,
  tickOf,
  watchAll,
  workflowRun,
  workflowsOf,
} from './harness.js';

const TEAM = 'conflicts';
const EXPERIMENT = 'exp-conflicts';
const SECONDS = 1;
const WRITERS_MS = 20_000;
const NAMES = ['wf-a', 'wf-b', 'wf-c', 'run-a', 'run-b', 'run-c'];

let env: TestEnv;
let kfp: KfpApiDouble;
let completer: ArgoStandIn;
let watch: { readonly seen: Seen<ScheduledWorkflow>[]; stop(): void };
let controller: ControllerProcess;
const swfs = new Map<string, ScheduledWorkflow>();

beforeAll(async () => {
  env = await startEnv([TEAM]);
  kfp = await startKfpDouble(env, { [EXPERIMENT]: TEAM });
  completer = completeWorkflows(env, TEAM);
  watch = watchAll<ScheduledWorkflow>(env, paths.scheduledWorkflows(TEAM));
  controller = await ControllerProcess.start(
    'conflicts',
    controllerFlags(env, kfp, ['--logLevel=debug']),
    multiUserEnv(),
  );
}, 300_000);

afterAll(async () => {
  await ControllerProcess.stopAll();
  watch?.stop();
  await completer?.stop();
  await kfp?.close();
  await env?.stop();
});

/** What the writers last wrote to one resource. */
interface Written {
  patchSeq: number;
  updateSeq: number;
  maxHistory: number;
}

/** Merge-patches labels, annotations and a spec field, round-robin, as fast as the API server answers. */
async function patchWriter(until: number, written: Map<string, Written>): Promise<number> {
  let writes = 0;
  while (Date.now() < until) {
    for (const name of NAMES) {
      const seq = ++writes;
      const maxHistory = 10 + (seq % 3);
      await mergePatchSwf(env, TEAM, name, {
        metadata: {
          labels: { 'writer.example.com/patch': String(seq) },
          annotations: { 'writer.example.com/patch': String(seq) },
        },
        spec: { maxHistory },
      });
      const entry = written.get(name) as Written;
      entry.patchSeq = seq;
      entry.maxHistory = maxHistory;
    }
  }
  return writes;
}

/** Reads and replaces whole objects, as the KFP API server does to enable or disable a schedule. */
async function updateWriter(
  until: number,
  written: Map<string, Written>,
): Promise<{ writes: number; conflicts: number }> {
  let writes = 0;
  let conflicts = 0;
  while (Date.now() < until) {
    for (const name of NAMES) {
      const seq = writes + 1;
      const current = await getSwf(env, TEAM, name);
      const labels = { ...current.metadata.labels, 'writer.example.com/update': String(seq) };
      try {
        await env.custom.replaceNamespacedCustomObject({
          group: 'kubeflow.org',
          version: 'v1beta1',
          plural: 'scheduledworkflows',
          namespace: TEAM,
          name,
          body: { ...current, metadata: { ...current.metadata, labels } },
        });
        writes = seq;
        (written.get(name) as Written).updateSeq = seq;
      } catch (error) {
        if (statusCode(error) !== 409) throw error;
        conflicts += 1;
      }
    }
  }
  return { writes, conflicts };
}

/** Values of `pick` over the versions of one resource the watch saw, in order. */
function history(name: string, pick: (swf: ScheduledWorkflow) => number): number[] {
  return watch.seen.filter((s) => s.object.metadata.name === name).map((s) => pick(s.object));
}

function decreases(values: readonly number[]): number[] {
  return values.flatMap((v, i) => (i > 0 && v < (values[i - 1] as number) ? [i] : []));
}

describe('a concurrent writer on the same ScheduledWorkflows', () => {
  it('loses no status field, no writer field, and doubles no run', async () => {
    for (const name of NAMES) {
      const swf = name.startsWith('wf-')
        ? embeddedSwf(TEAM, name, SECONDS)
        : latestVersionSwf(TEAM, name, EXPERIMENT, SECONDS);
      swfs.set(name, await createSwf(env, swf));
    }
    const written = new Map(NAMES.map((n) => [n, { patchSeq: 0, updateSeq: 0, maxHistory: 0 }]));
    const until = Date.now() + WRITERS_MS;
    const [patches, updates] = await Promise.all([patchWriter(until, written), updateWriter(until, written)]);
    await poll(
      'every schedule to catch up',
      async () => {
        const all = await Promise.all(NAMES.map((n) => getSwf(env, TEAM, n)));
        const behind = all.filter(
          (s) =>
            Date.parse(s.status?.trigger?.lastTriggeredTime ?? '') / 1000 < Date.now() / 1000 - SECONDS - 1,
        );
        return behind.length === 0 ? true : undefined;
      },
      60_000,
    );
    await controller.stop();

    const lateness: number[] = [];
    for (const name of NAMES) {
      const swf = swfs.get(name) as ScheduledWorkflow;
      const final = await getSwf(env, TEAM, name);
      const count = final.status?.trigger?.lastWorkflowIndex ?? 0;
      // Status only moves forward.
      expect(decreases(history(name, (s) => s.status?.trigger?.lastWorkflowIndex ?? 0))).toEqual([]);
      expect(
        decreases(
          history(name, (s) => Date.parse(s.status?.trigger?.lastTriggeredTime ?? '1970-01-01T00:00:00Z')),
        ),
      ).toEqual([]);
      // Every run recorded, none twice, every tick present.
      if (name.startsWith('wf-')) {
        const runs = (await workflowsOf(env, TEAM, name)).map(workflowRun);
        expect(
          tally(
            runs.map((r) => r.index),
            count,
          ),
        ).toEqual({ duplicates: [], missing: [] });
        expect(runs.filter((r) => r.epoch !== tickOf(swf, SECONDS, r.index))).toEqual([]);
      } else {
        const created = createdOf(kfp, swf.metadata.uid);
        const indices = created.map((c) => runIndex(c.request.run?.displayName ?? ''));
        expect(tally(indices, count)).toEqual({ duplicates: [], missing: [] });
        lateness.push(...created.map((c, i) => c.at / 1000 - tickOf(swf, SECONDS, indices[i] as number)));
      }
      // The writers' fields survived the controller's writes.
      const last = written.get(name) as Written;
      expect(final.metadata.labels?.['writer.example.com/patch']).toBe(String(last.patchSeq));
      expect(final.metadata.annotations?.['writer.example.com/patch']).toBe(String(last.patchSeq));
      expect(final.metadata.labels?.['writer.example.com/update']).toBe(String(last.updateSeq));
      expect(final.spec.maxHistory).toBe(last.maxHistory);
      expect(final.metadata.labels?.['scheduledworkflows.kubeflow.org/status']).toBe('Enabled');
    }
    const conflicts = controller
      .logs()
      .filter((l) => l.msg === 'conflict writing status; retrying from a fresh read');
    expect(conflicts.length).toBeGreaterThan(0);
    report('conflicts', {
      writerPatches: patches,
      writerUpdates: updates.writes,
      writerConflicts: updates.conflicts,
      controllerConflicts: conflicts.length,
      controllerRetries: controller.logs().filter((l) => l.msg === 'transient failure').length,
      createRunLatenessS: {
        p50: percentile(lateness, 50),
        p99: percentile(lateness, 99),
        max: Math.max(...lateness),
      },
    });
  });
});
