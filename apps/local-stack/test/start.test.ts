// End to end: the local stack as `pnpm start` runs it, in a child process, stopped with Ctrl-C (SIGINT).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { ARGO_COMPLETED_LABEL, ARGO_WORKFLOWS, waitFor } from '@swf/testkit';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const CONTROLLER_IDENTITY = 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow';

interface Event {
  event: string;
  [field: string]: unknown;
}

let child: ChildProcess;
const events: Event[] = [];
let stderr = '';
let exited: Promise<number | null>;

beforeAll(() => {
  // --duration is only a backstop: the test stops it with SIGINT.
  child = spawn(process.execPath, [BIN, '--plain', '--duration=150'], { stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line) events.push(JSON.parse(line) as Event);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
});

afterAll(() => {
  child.kill('SIGKILL');
});

const runs = (path: string) => events.filter((e) => e.event === 'run' && e.path === path);
const ready = () => events.find((e) => e.event === 'ready') as Event;

/** Processes whose command line mentions `text`, other than pgrep itself. */
function processesMentioning(text: string): string {
  return spawnSync('pgrep', ['-af', text], { encoding: 'utf8' }).stdout.trim();
}

describe('pnpm start (the local stack)', () => {
  it('creates runs on both paths, and the KFP API server sees the controller identity', async () => {
    await waitFor(
      'two runs on each path',
      async () => (runs('CreateRun').length >= 2 && runs('Workflow').length >= 2 ? true : undefined),
      120_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nstderr:\n${stderr}`);
    });
    for (const run of runs('CreateRun')) {
      // The double created each run's Workflow, named after the pipeline as KFP names it.
      expect(run).toMatchObject({
        identity: CONTROLLER_IDENTITY,
        outcome: 'created',
        workflow: expect.stringMatching(/^hello-world-[a-z0-9]{5}$/),
      });
    }
    expect(ready()).toMatchObject({
      mode: 'local',
      env: {
        NAMESPACE: '',
        USER_IDENTITY_HEADER: 'kubeflow-userid',
        USER_IDENTITY_VALUE: CONTROLLER_IDENTITY,
      },
      kubeIdentity: CONTROLLER_IDENTITY,
    });
  });

  it('measures each run against its scheduled second', () => {
    for (const run of [...runs('CreateRun'), ...runs('Workflow')]) {
      expect(run.scheduledAt).toEqual(expect.any(Number));
      expect(Number(run.scheduledAt) % 1000).toBe(0);
      expect(run.latenessMs).toBeGreaterThanOrEqual(0);
      expect(run.latenessMs).toBeLessThan(5_000);
    }
  });

  it('finishes Workflows through its stand-in for Argo, so maxConcurrency never holds runs back', async () => {
    const admin = new KubeConfig();
    admin.loadFromFile(String(ready().adminKubeconfig));
    const custom = admin.makeApiClient(CustomObjectsApi);
    const finished = await waitFor(
      'a Workflow of each path to finish',
      async () => {
        const list = (await custom.listNamespacedCustomObject({
          ...ARGO_WORKFLOWS,
          namespace: 'team-a',
          labelSelector: `${ARGO_COMPLETED_LABEL}=true`,
        })) as { items: Array<{ metadata: { name: string } }> };
        const names = list.items.map((w) => w.metadata.name);
        const both =
          names.some((n) => n.startsWith('hello-world-')) && names.some((n) => n.startsWith('every-3s-'));
        return both ? names : undefined;
      },
      30_000,
      500,
    );
    expect(ready()).toMatchObject({ workflowRunSeconds: 5 });
    expect(finished.length).toBeGreaterThanOrEqual(2);
  });

  it('stops everything on SIGINT and leaves no process or folder behind', async () => {
    const workDir = String(ready().workDir);
    const planeDir = dirname(String(ready().adminKubeconfig));
    const controllerPid = Number(ready().controllerPid);
    expect(processesMentioning(planeDir)).not.toBe('');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(events.at(-1)).toMatchObject({ event: 'stopped' });
    expect(processesMentioning(planeDir)).toBe('');
    expect(processesMentioning(workDir)).toBe('');
    expect(() => process.kill(controllerPid, 0)).toThrow();
    expect(existsSync(workDir)).toBe(false);
    expect(existsSync(planeDir)).toBe(false);
  });
});
