import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertRules, runbookAnchor } from './alert-rules.js';
import { CONTROLLER_METRICS, METRICS_JOB } from './controller-metrics.js';
import { metricSelectors, promqlSyntaxErrors } from './promql.js';

const PROPS = { runbookBaseUrl: 'README.md', latenessAlertSeconds: 30 };
const RULES = alertRules(PROPS);
const ROOT_README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

/** gRPC's canonical status names, as the controller reports a failed submit's reason. */
const GRPC_REASONS = [
  'ok',
  'cancelled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal',
  'unavailable',
  'data_loss',
  'unauthenticated',
];

/** Whether a label matcher keeps `value`, with Prometheus's fully anchored regular expressions. */
function keeps(matcher: { op: string; value: string }, value: string): boolean {
  const regex = new RegExp(`^(?:${matcher.value})$`);
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return regex.test(value);
    default:
      return !regex.test(value);
  }
}

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
function githubAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('alertRules', () => {
  it('names each alert once, with a severity, a summary, a description and its runbook', () => {
    expect(new Set(RULES.map((r) => r.alert)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
      expect(rule.annotations.description.length).toBeGreaterThan(rule.annotations.summary.length);
      expect(rule.annotations.runbook_url).toBe(`README.md#${rule.alert.toLowerCase()}`);
      expect(rule.for).toMatch(/^\d+m$/);
    }
  });

  it('covers what an operator must act on', () => {
    expect(RULES.map((r) => r.alert)).toEqual([
      'ScheduledWorkflowSubmitUnauthenticated',
      'ScheduledWorkflowSubmitPermissionDenied',
      'ScheduledWorkflowSubmitUnavailable',
      'ScheduledWorkflowSubmitsFailing',
      'ScheduledWorkflowTriggersLate',
      'ScheduledWorkflowScheduleMissed',
      'ScheduledWorkflowInformerRestarting',
      'ScheduledWorkflowNoLeader',
      'ScheduledWorkflowControllerDown',
    ]);
  });

  it.each(RULES.map((r) => [r.alert, r.expr]))(
    '%s is PromQL that reads the controller job only',
    (_, expr) => {
      expect(promqlSyntaxErrors(expr)).toEqual([]);
      const selectors = metricSelectors(expr);
      expect(selectors.length).toBeGreaterThan(0);
      for (const { matchers } of selectors) {
        expect(matchers).toContainEqual({ label: 'job', op: '=', value: METRICS_JOB });
      }
    },
  );

  it.each(GRPC_REASONS)('sends a submit failure with reason %s to exactly one alert', (reason) => {
    const catching = RULES.filter((rule) =>
      metricSelectors(rule.expr).some(
        (s) =>
          s.metric === CONTROLLER_METRICS.submitFailures &&
          s.matchers.filter((m) => m.label === 'reason').every((m) => keeps(m, reason)),
      ),
    );
    expect(catching).toHaveLength(1);
  });

  it('gives every alert a runbook section under "Operating it" in the README', () => {
    const readme = readFileSync(ROOT_README, 'utf8');
    const start = readme.indexOf('\n## Operating it\n');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start + 1).split(/\n## /)[0] as string;
    const anchors = [...section.matchAll(/^#{3,4} (.+)$/gm)].map((m) => githubAnchor(m[1] as string));
    for (const rule of RULES) expect(anchors).toContain(runbookAnchor(rule.alert));
  });
});
