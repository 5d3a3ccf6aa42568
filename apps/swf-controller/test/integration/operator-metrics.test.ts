import {
  createSwf,
  getSwf,
  type RunningController,
  scheduledWorkflow,
  startStack,
  type TestEnv,
  type TestStack,
  waitFor,
} from './env.js';

// The metrics the monitoring component alerts on, as the running controller serves them: failed
// submits by reason, leadership and overdue schedules.

const TEAM = 'team-m';
const EXPERIMENT = 'exp-team-m';
let stack: TestStack;
let env: TestEnv;
let controller: RunningController;

beforeAll(async () => {
  // An identity the API server knows but RBAC does not allow to create runs.
  stack = await startStack({
    namespaces: [TEAM],
    experiments: { [EXPERIMENT]: TEAM },
    env: {
      USER_IDENTITY_HEADER: 'kubeflow-userid',
      USER_IDENTITY_VALUE: `system:serviceaccount:${TEAM}:nobody`,
    },
  });
  ({ env, controller } = stack);
}, 300_000);

afterAll(() => stack?.stop());

async function metrics(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${await controller.metricsPort}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample line (`name{labels} value`), or undefined when it is not served. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics for operators', () => {
  it('counts refused CreateRun calls as permission_denied failures on the create_run path', async () => {
    await createSwf(
      env,
      scheduledWorkflow(TEAM, 'denied', {
        enabled: true,
        trigger: { cronSchedule: { cron: '*/2 * * * * *' } },
        experimentId: EXPERIMENT,
        pipelineId: 'p',
      }),
    );
    await waitFor('a SubmitFailed condition', async () => {
      const swf = await getSwf(env, TEAM, 'denied');
      return swf.status?.conditions?.[0]?.reason === 'SubmitFailed' ? true : undefined;
    });
    const failures = await waitFor('a failure counted', async () => {
      const value = sample(
        await metrics(),
        'scheduled_workflow_submit_failures_total{path="create_run",reason="permission_denied"}',
      );
      return value !== undefined && value >= 1 ? value : undefined;
    });
    expect(failures).toBeGreaterThanOrEqual(1);
    expect(await metrics()).not.toMatch(/scheduled_workflow_submit_failures_total\{[^}]*reason="unknown"/);
  });

  it('reports that this replica leads, and overdue schedules by reason', async () => {
    const text = await metrics();
    expect(sample(text, 'scheduled_workflow_leader')).toBe(1);
    expect(sample(text, 'scheduled_workflow_overdue_schedules{reason="not_fired"}')).toBe(0);
    expect(sample(text, 'scheduled_workflow_overdue_schedules{reason="max_concurrency"}')).toBe(0);
    // The refused schedule counts here once it is two minutes past its tick.
    expect(sample(text, 'scheduled_workflow_overdue_schedules{reason="error"}')).toBeLessThanOrEqual(1);
  });
});
