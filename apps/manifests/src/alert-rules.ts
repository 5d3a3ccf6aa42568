import { controllerSeries, CONTROLLER_METRICS as M, METRICS_JOB } from './controller-metrics.js';

/** What the alert rules are rendered with. */
export interface AlertRuleProps {
  /** Where the runbooks are: every `runbook_url` is this, `#`, and the alert's anchor. */
  readonly runbookBaseUrl: string;
  /** p99 trigger lateness in seconds above which `ScheduledWorkflowTriggersLate` fires. */
  readonly latenessAlertSeconds: number;
}

/** How urgent an alert is: `critical` when recurring runs stop starting, `warning` otherwise. */
export type AlertSeverity = 'critical' | 'warning';

/** One Prometheus alerting rule, as a rule file and a PrometheusRule's `spec.groups[].rules` hold it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: AlertSeverity };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

/** A rule group of a rule file. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** Name of the rule group. */
export const RULE_GROUP_NAME = METRICS_JOB;

/**
 * Window of the failed-submit rates: longer than the longest retry backoff of a failing key (360 s),
 * so a schedule that keeps failing shows a failure in every window, and an outage of a few seconds
 * leaves the window before the alert's `for` is over.
 */
const SUBMIT_FAILURE_WINDOW = '10m';
/** How long submits must keep failing before an alert fires. */
const SUBMIT_FAILURE_FOR = '15m';
/** Window of the informer error rate: longer than an informer's longest restart delay (30 s). */
const INFORMER_ERROR_WINDOW = '5m';

/** Reasons with an alert of their own: each has another fix. */
const OWN_ALERT_REASONS = ['unauthenticated', 'permission_denied', 'unavailable|deadline_exceeded'];

/** The anchor of an alert's runbook section: its README heading, as GitHub makes anchors. */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** The alerts an operator acts on, each with a summary, a description and a runbook. */
export function alertRules(props: AlertRuleProps): AlertRule[] {
  const rule = (
    alert: string,
    severity: AlertSeverity,
    expr: string,
    forDuration: string,
    summary: string,
    description: string,
  ): AlertRule => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity },
    annotations: { summary, description, runbook_url: `${props.runbookBaseUrl}#${runbookAnchor(alert)}` },
  });
  const failures = (by: string, matcher: string) =>
    `sum by (${by}) (increase(${controllerSeries(M.submitFailures, matcher)}[${SUBMIT_FAILURE_WINDOW}])) > 0`;
  const failed = (what: string) =>
    `{{ $value | humanize }} submits on the {{ $labels.path }} path failed ${what} in the last 10 minutes, and they have kept failing for 15 minutes.`;
  return [
    rule(
      'ScheduledWorkflowSubmitUnauthenticated',
      'critical',
      failures('path', 'reason="unauthenticated"'),
      SUBMIT_FAILURE_FOR,
      'Recurring runs cannot start: unauthenticated ({{ $labels.path }} path)',
      failed('as unauthenticated (the user identity or the token was not accepted)'),
    ),
    rule(
      'ScheduledWorkflowSubmitPermissionDenied',
      'critical',
      failures('path', 'reason="permission_denied"'),
      SUBMIT_FAILURE_FOR,
      'Recurring runs cannot start: permission denied ({{ $labels.path }} path)',
      failed("with permission denied (RBAC does not allow the controller's identity)"),
    ),
    rule(
      'ScheduledWorkflowSubmitUnavailable',
      'critical',
      failures('path', 'reason=~"unavailable|deadline_exceeded"'),
      SUBMIT_FAILURE_FOR,
      'Recurring runs cannot start: the server is unavailable ({{ $labels.path }} path)',
      failed('because the server did not answer in time or could not be reached'),
    ),
    rule(
      'ScheduledWorkflowSubmitsFailing',
      'warning',
      failures('path, reason', `reason!~"${OWN_ALERT_REASONS.join('|')}"`),
      SUBMIT_FAILURE_FOR,
      'Recurring runs fail to start: {{ $labels.reason }} ({{ $labels.path }} path)',
      failed('with {{ $labels.reason }}'),
    ),
    rule(
      'ScheduledWorkflowTriggersLate',
      'warning',
      `histogram_quantile(0.99, sum by (le, path) (rate(${controllerSeries(M.triggerLatenessBucket)}[10m]))) > ${props.latenessAlertSeconds}`,
      '10m',
      'Recurring runs start late: p99 lateness {{ $value | humanizeDuration }} ({{ $labels.path }} path)',
      `For 10 minutes, 1 run in 100 on the {{ $labels.path }} path started more than ${props.latenessAlertSeconds} s after its scheduled time.`,
    ),
    rule(
      'ScheduledWorkflowScheduleMissed',
      'critical',
      `sum(${controllerSeries(M.overdueSchedules, 'reason="not_fired"')}) > 0`,
      '10m',
      '{{ $value }} recurring runs did not fire on schedule',
      'For 10 minutes, {{ $value }} enabled ScheduledWorkflows have been more than 2 minutes past their next run time with no Error condition and below maxConcurrency: the controller should have started them.',
    ),
    rule(
      'ScheduledWorkflowInformerRestarting',
      'warning',
      `sum by (resource) (increase(${controllerSeries(M.informerErrors)}[${INFORMER_ERROR_WINDOW}])) > 0`,
      '15m',
      'The controller keeps losing its watch on {{ $labels.resource }}',
      'For 15 minutes, listing or watching {{ $labels.resource }} has kept failing ({{ $value | humanize }} errors in the last 5 minutes); the cache may be stale, and runs may start late or not at all.',
    ),
    rule(
      'ScheduledWorkflowNoLeader',
      'critical',
      `sum(${controllerSeries(M.leader)}) != 1`,
      '5m',
      '{{ $value }} controller replicas reconcile; exactly one should',
      'For 5 minutes, {{ $value }} replicas of the controller have been reconciling. With none, no recurring run starts; with more than one, the same run may be started twice.',
    ),
    rule(
      'ScheduledWorkflowControllerDown',
      'critical',
      `absent(up{job="${METRICS_JOB}"} == 1)`,
      '5m',
      'The ScheduledWorkflow controller is down',
      'For 5 minutes, Prometheus has found no controller to scrape, or could not scrape it: while the controller is down, no recurring run starts.',
    ),
  ];
}

/** The rule groups of the controller's alerts, as a rule file and a PrometheusRule hold them. */
export function alertRuleGroups(props: AlertRuleProps): RuleGroup[] {
  return [{ name: RULE_GROUP_NAME, rules: alertRules(props) }];
}
