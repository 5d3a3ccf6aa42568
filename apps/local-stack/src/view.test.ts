import type { RunRow } from './runs.js';
import { lateness, renderView, runEvent, type ViewState } from './view.js';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const IDENTITY = 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow';
const RUN: RunRow = {
  schedule: 'team-a/every-5s',
  run: 'every-5s-1-123',
  path: 'CreateRun',
  identity: IDENTITY,
  receivedAt: T0 + 5012,
  scheduledAt: T0 + 5000,
  latenessMs: 12,
  outcome: 'created',
  workflow: null,
};
const STATE: ViewState = {
  info: {
    mode: 'local',
    server: 'https://127.0.0.1:6443',
    adminKubeconfig: '/tmp/cp/admin.kubeconfig',
    kfpAddress: '127.0.0.1:8887',
    controllerPid: 42,
    metricsUrl: 'http://127.0.0.1:9090/metrics',
    logFile: '/tmp/stack/controller.log',
    env: { NAMESPACE: '', USER_IDENTITY_HEADER: 'kubeflow-userid', USER_IDENTITY_VALUE: IDENTITY },
    kubeIdentity: IDENTITY,
    workflowRunSeconds: 5,
    startedAt: T0,
  },
  schedules: [
    {
      schedule: 'team-a/every-5s',
      trigger: 'cron */5 * * * * *',
      path: 'CreateRun',
      runs: 1,
      lastScheduledAt: T0 + 5000,
      nextAt: T0 + 10_000,
      condition: 'Enabled',
    },
  ],
  runs: [
    RUN,
    { ...RUN, run: 'every-5s-2-456', outcome: '7 PERMISSION_DENIED' },
    { ...RUN, run: 'every-5s-3-789', workflow: 'hello-world-x7k2p' },
  ],
  notices: ['sample skipped'],
};
const SCREEN = { columns: 200, rows: 40, timeZone: 'UTC' };

describe('renderView', () => {
  const screen = renderView(STATE, T0 + 7000, SCREEN);

  it('shows each run with its identity, scheduled second and lateness', () => {
    expect(screen).toMatch(
      /10:00:05\.012 +10:00:05 +\+12 ms +CreateRun +every-5s-1-123 +system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow$/m,
    );
  });

  it('shows the next fire time from the status and how far off it is', () => {
    expect(screen).toMatch(/team-a\/every-5s .* 10:00:10 \(in 3s\) +Enabled/);
  });

  it('shows the controller env the manifest sets, empty NAMESPACE included', () => {
    expect(screen).toContain('NAMESPACE="" USER_IDENTITY_HEADER="kubeflow-userid"');
  });

  it('names the Workflow the API server created for a run', () => {
    expect(screen).toMatch(/every-5s-3-789 +system:\S+ -> Workflow hello-world-x7k2p$/m);
  });

  it('says that a stand-in finishes Workflows in local mode, and not in cluster mode', () => {
    const line = 'stand-in: marks each Workflow Succeeded 5 s after creation';
    expect(screen).toContain(line);
    const cluster = { ...STATE, info: { ...STATE.info, mode: 'cluster' as const, workflowRunSeconds: null } };
    expect(renderView(cluster, T0, SCREEN)).not.toContain(line);
  });

  it('marks a failed call and shows notices', () => {
    expect(screen).toContain('[7 PERMISSION_DENIED]');
    expect(screen).toContain('! sample skipped');
  });

  it('keeps within the terminal', () => {
    const small = renderView(STATE, T0, { columns: 40, rows: 16, timeZone: 'UTC' }).split('\n');
    expect(Math.max(...small.map((line) => line.length))).toBeLessThanOrEqual(40);
    expect(small.length).toBeLessThanOrEqual(16);
  });

  it('reads the clock in the given zone', () => {
    expect(renderView(STATE, T0, { ...SCREEN, timeZone: 'Asia/Tokyo' })).toContain('19:00:05.012');
  });
});

describe('lateness', () => {
  it.each([
    [12, '+12 ms'],
    [1250, '+1.250 s'],
    [-3, '-3 ms'],
    [null, '…'],
  ])('writes %s as %s', (ms, text) => {
    expect(lateness(ms)).toBe(text);
  });
});

describe('runEvent', () => {
  it('is one JSON line naming the event', () => {
    expect(JSON.parse(runEvent(RUN))).toEqual({ event: 'run', ...RUN });
  });
});
