import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { layerObjects, synthMonitoring } from '../../src/layers.js';
import { monitoringQueries } from '../../src/monitoring-queries.js';
import { type PromtoolResult, runPromtool } from '../../src/promtool.js';
import type { Json } from '../fixtures/json.js';

// The generated alerts checked by Prometheus's own tool: `promtool check rules` parses them as
// Prometheus loads rule files, and `promtool test rules` runs a unit test per alert against series
// it makes up, with the alert's labels and rendered annotations. The dashboard's queries are checked
// by the same parser, as recording rules. The first run builds promtool from Go modules.

const BUILD_TIMEOUT_MS = 15 * 60_000;
const JOB = 'job="ml-pipeline-scheduledworkflow"';
const RUNBOOK = 'README.md#';

/** One `promtool test rules` test group. */
interface RuleTest {
  readonly interval: string;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test: readonly {
    readonly eval_time: string;
    readonly alertname: string;
    readonly exp_alerts: readonly {
      readonly exp_labels: Readonly<Record<string, string>>;
      readonly exp_annotations?: Readonly<Record<string, string>>;
    }[];
  }[];
}

const series = (name: string, labels: string, values: string) => ({
  series: `${name}{${[JOB, labels].filter(Boolean).join(', ')}}`,
  values,
});
const failures = (path: string, reason: string, values: string) =>
  series('scheduled_workflow_submit_failures_total', `path="${path}", reason="${reason}"`, values);
const lateness = (path: string, buckets: Record<string, string>) =>
  Object.entries(buckets).map(([le, values]) =>
    series('scheduled_workflow_trigger_lateness_seconds_bucket', `path="${path}", le="${le}"`, values),
  );
const test = (inputs: RuleTest['input_series'], checks: RuleTest['alert_rule_test']): RuleTest => ({
  interval: '1m',
  input_series: inputs,
  alert_rule_test: checks,
});
const none = (alertname: string, evalTime = '30m') => ({ eval_time: evalTime, alertname, exp_alerts: [] });

/** A failure every minute fires after 15 minutes; two failures and then none never do. */
function submitFailureTests(
  alertname: string,
  path: string,
  reason: string,
  labels: Record<string, string>,
  summary: string,
  failedHow: string,
): RuleTest[] {
  const description = `10 submits on the ${path} path failed ${failedHow} in the last 10 minutes, and they have kept failing for 15 minutes.`;
  const firing = {
    exp_labels: labels,
    exp_annotations: { summary, description, runbook_url: `${RUNBOOK}${alertname.toLowerCase()}` },
  };
  return [
    test(
      [failures(path, reason, '0+1x60')],
      [none(alertname, '12m'), { eval_time: '30m', alertname, exp_alerts: [firing] }],
    ),
    test([failures(path, reason, '0 1 2 2x60')], [none(alertname, '14m'), none(alertname, '30m')]),
  ];
}

/** `ScheduledWorkflowControllerDown` firing at 10m. */
const CONTROLLER_DOWN = {
  eval_time: '10m',
  alertname: 'ScheduledWorkflowControllerDown',
  exp_alerts: [
    {
      exp_labels: { severity: 'critical' },
      exp_annotations: {
        summary: 'The ScheduledWorkflow controller is down',
        description:
          'For 5 minutes, Prometheus has found no controller to scrape, or could not scrape it: while the controller is down, no recurring run starts.',
        runbook_url: `${RUNBOOK}scheduledworkflowcontrollerdown`,
      },
    },
  ],
};

/** The unit tests of each alert, by alert name. */
const ALERT_TESTS: Record<string, RuleTest[]> = {
  ScheduledWorkflowSubmitUnauthenticated: submitFailureTests(
    'ScheduledWorkflowSubmitUnauthenticated',
    'create_run',
    'unauthenticated',
    { severity: 'critical', path: 'create_run' },
    'Recurring runs cannot start: unauthenticated (create_run path)',
    'as unauthenticated (the user identity or the token was not accepted)',
  ),
  ScheduledWorkflowSubmitPermissionDenied: submitFailureTests(
    'ScheduledWorkflowSubmitPermissionDenied',
    'workflow',
    'permission_denied',
    { severity: 'critical', path: 'workflow' },
    'Recurring runs cannot start: permission denied (workflow path)',
    "with permission denied (RBAC does not allow the controller's identity)",
  ),
  ScheduledWorkflowSubmitUnavailable: submitFailureTests(
    'ScheduledWorkflowSubmitUnavailable',
    'create_run',
    'deadline_exceeded',
    { severity: 'critical', path: 'create_run' },
    'Recurring runs cannot start: the server is unavailable (create_run path)',
    'because the server did not answer in time or could not be reached',
  ),
  ScheduledWorkflowSubmitsFailing: [
    ...submitFailureTests(
      'ScheduledWorkflowSubmitsFailing',
      'create_run',
      'not_found',
      { severity: 'warning', path: 'create_run', reason: 'not_found' },
      'Recurring runs fail to start: not_found (create_run path)',
      'with not_found',
    ),
    // Reasons with an alert of their own do not fire this one too.
    test([failures('create_run', 'unavailable', '0+1x60')], [none('ScheduledWorkflowSubmitsFailing')]),
  ],
  ScheduledWorkflowTriggersLate: [
    // Every run 30 to 60 s late: p99 interpolates to 59.7 s.
    test(lateness('workflow', { '10': '0x40', '30': '0x40', '60': '0+10x40', '+Inf': '0+10x40' }), [
      none('ScheduledWorkflowTriggersLate', '8m'),
      {
        eval_time: '30m',
        alertname: 'ScheduledWorkflowTriggersLate',
        exp_alerts: [
          {
            exp_labels: { severity: 'warning', path: 'workflow' },
            exp_annotations: {
              summary: 'Recurring runs start late: p99 lateness 59.7s (workflow path)',
              description:
                'For 10 minutes, 1 run in 100 on the workflow path started more than 30 s after its scheduled time.',
              runbook_url: `${RUNBOOK}scheduledworkflowtriggerslate`,
            },
          },
        ],
      },
    ]),
    // Every run 5 to 10 s late.
    test(lateness('workflow', { '10': '0+10x40', '30': '0+10x40', '60': '0+10x40', '+Inf': '0+10x40' }), [
      none('ScheduledWorkflowTriggersLate'),
    ]),
  ],
  ScheduledWorkflowScheduleMissed: [
    test(
      [
        series('scheduled_workflow_overdue_schedules', 'reason="not_fired"', '0 0 2x30'),
        series('scheduled_workflow_overdue_schedules', 'reason="max_concurrency"', '3x30'),
      ],
      [
        none('ScheduledWorkflowScheduleMissed', '10m'),
        {
          eval_time: '20m',
          alertname: 'ScheduledWorkflowScheduleMissed',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical' },
              exp_annotations: {
                summary: '2 recurring runs did not fire on schedule',
                description:
                  'For 10 minutes, 2 enabled ScheduledWorkflows have been more than 2 minutes past their next run time with no Error condition and below maxConcurrency: the controller should have started them.',
                runbook_url: `${RUNBOOK}scheduledworkflowschedulemissed`,
              },
            },
          ],
        },
      ],
    ),
    // Held back by maxConcurrency or an Error condition only: other alerts and the dashboard say so.
    test(
      [
        series('scheduled_workflow_overdue_schedules', 'reason="not_fired"', '0x30'),
        series('scheduled_workflow_overdue_schedules', 'reason="max_concurrency"', '3x30'),
        series('scheduled_workflow_overdue_schedules', 'reason="error"', '1x30'),
      ],
      [none('ScheduledWorkflowScheduleMissed', '20m')],
    ),
  ],
  ScheduledWorkflowInformerRestarting: [
    test(
      [series('scheduled_workflow_informer_errors_total', 'resource="workflows"', '0+2x40')],
      [
        {
          eval_time: '30m',
          alertname: 'ScheduledWorkflowInformerRestarting',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', resource: 'workflows' },
              exp_annotations: {
                summary: 'The controller keeps losing its watch on workflows',
                description:
                  'For 15 minutes, listing or watching workflows has kept failing (10 errors in the last 5 minutes); the cache may be stale, and runs may start late or not at all.',
                runbook_url: `${RUNBOOK}scheduledworkflowinformerrestarting`,
              },
            },
          ],
        },
      ],
    ),
    // A kube-apiserver restart: a few errors, then the watch is back.
    test(
      [series('scheduled_workflow_informer_errors_total', 'resource="workflows"', '0 3 6 6x40')],
      [none('ScheduledWorkflowInformerRestarting')],
    ),
  ],
  ScheduledWorkflowNoLeader: [
    test(
      [
        series('scheduled_workflow_leader', 'pod="a"', '1 1 0x20'),
        series('scheduled_workflow_leader', 'pod="b"', '0x20'),
      ],
      [
        {
          eval_time: '10m',
          alertname: 'ScheduledWorkflowNoLeader',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical' },
              exp_annotations: {
                summary: '0 controller replicas reconcile; exactly one should',
                description:
                  'For 5 minutes, 0 replicas of the controller have been reconciling. With none, no recurring run starts; with more than one, the same run may be started twice.',
                runbook_url: `${RUNBOOK}scheduledworkflownoleader`,
              },
            },
          ],
        },
      ],
    ),
    test(
      [
        series('scheduled_workflow_leader', 'pod="a"', '1x20'),
        series('scheduled_workflow_leader', 'pod="b"', '1x20'),
      ],
      [
        {
          eval_time: '10m',
          alertname: 'ScheduledWorkflowNoLeader',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical' },
              exp_annotations: {
                summary: '2 controller replicas reconcile; exactly one should',
                description:
                  'For 5 minutes, 2 replicas of the controller have been reconciling. With none, no recurring run starts; with more than one, the same run may be started twice.',
                runbook_url: `${RUNBOOK}scheduledworkflownoleader`,
              },
            },
          ],
        },
      ],
    ),
    // A failover: the standby takes over within a minute.
    test(
      [
        series('scheduled_workflow_leader', 'pod="a"', '1 1 0x20'),
        series('scheduled_workflow_leader', 'pod="b"', '0 0 0 1x20'),
      ],
      [none('ScheduledWorkflowNoLeader', '15m')],
    ),
  ],
  ScheduledWorkflowControllerDown: [
    test(
      [series('up', 'pod="a"', '1 1 0x20')],
      [none('ScheduledWorkflowControllerDown', '5m'), CONTROLLER_DOWN],
    ),
    // No target at all (the ServiceMonitor selects nothing, or the Deployment is scaled to 0).
    test([series('scheduled_workflow_queue_size', 'pod="gone"', '0x20')], [CONTROLLER_DOWN]),
    test([series('up', 'pod="a"', '1x20')], [none('ScheduledWorkflowControllerDown', '15m')]),
  ],
};

let dir: string;
let ruleNames: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swf-manifests-rules-'));
  const layer = synthMonitoring();
  const [rule] = layerObjects(layer, 'PrometheusRule') as Json[];
  ruleNames = rule.spec.groups.flatMap((g: Json) => g.rules.map((r: Json) => r.alert));
  await writeFile(join(dir, 'rules.yaml'), stringify(rule.spec));
  const dashboardRules = monitoringQueries(layer)
    .filter((q) => q.source.startsWith('panel'))
    .map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr }));
  await writeFile(
    join(dir, 'dashboard-queries.yaml'),
    stringify({ groups: [{ name: 'dashboard', rules: dashboardRules }] }),
  );
  // The first call builds promtool.
  await runPromtool(['--version'], dir);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `tests` as a promtool test file for the generated rules and runs it. */
async function testRules(name: string, tests: readonly RuleTest[]): Promise<PromtoolResult> {
  const file = `${name}.test.yaml`;
  await writeFile(
    join(dir, file),
    stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }, { lineWidth: 0 }),
  );
  return runPromtool(['test', 'rules', file], dir);
}

describe('the generated alerts, checked by promtool', () => {
  it('are valid Prometheus rules', async () => {
    const result = await runPromtool(['check', 'rules', 'rules.yaml'], dir);
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout).toContain(`SUCCESS: ${ruleNames.length} rules found`);
  });

  it('have a unit test each', () => {
    expect(Object.keys(ALERT_TESTS).sort()).toEqual([...ruleNames].sort());
  });

  it.each(Object.entries(ALERT_TESTS))(
    '%s fires when it should, with its labels and annotations',
    async (name, tests) => {
      const result = await testRules(name, tests);
      expect({ exitCode: result.exitCode, output: result.stdout + result.stderr }).toEqual({
        exitCode: 0,
        output: expect.stringContaining('SUCCESS'),
      });
    },
  );

  it('fail a unit test whose expectation is wrong', async () => {
    // A healthy target, expected to be reported down.
    const wrong = test([series('up', 'pod="a"', '1x20')], [CONTROLLER_DOWN]);
    const result = await testRules('wrong', [wrong]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('ScheduledWorkflowControllerDown');
  });
});

describe("the dashboard's queries, checked by promtool", () => {
  it('parse as Prometheus parses queries', async () => {
    const result = await runPromtool(['check', 'rules', 'dashboard-queries.yaml'], dir);
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});
