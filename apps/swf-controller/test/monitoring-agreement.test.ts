import { status } from '@grpc/grpc-js';
import { metricSelectors, monitoringQueries, synthMonitoring } from '@swf/manifests';
import { Histogram, Summary } from 'prom-client';
import { ControllerMetrics } from '../src/observe/metrics.js';
import { OVERDUE_REASONS } from '../src/observe/overdue-schedules.js';

// What the monitoring component of the install and the controller must agree on: every metric its
// alerts and dashboard query is one the controller serves, under that name and with those labels,
// and every reason they match is one the controller reports. A metric or label renamed on one side
// only fails here.

/** Labels Prometheus adds to every series it scrapes through a ServiceMonitor. */
const TARGET_LABELS = ['job', 'namespace', 'pod', 'instance', 'service', 'container', 'endpoint'];
/** Metrics of Prometheus itself that alerts may read. */
const PROMETHEUS_METRICS = ['up'];

/** Every series name the controller's registry serves, with the label names it may carry. */
function servedSeries(): Map<string, readonly string[]> {
  const served = new Map<string, readonly string[]>();
  for (const metric of new ControllerMetrics().registry.getMetricsAsArray()) {
    const { name, labelNames = [] } = metric as unknown as { name: string; labelNames?: string[] };
    if (metric instanceof Histogram) {
      served.set(`${name}_bucket`, [...labelNames, 'le']);
      served.set(`${name}_sum`, labelNames);
      served.set(`${name}_count`, labelNames);
    } else if (metric instanceof Summary) {
      served.set(name, [...labelNames, 'quantile']);
      served.set(`${name}_sum`, labelNames);
      served.set(`${name}_count`, labelNames);
    } else {
      served.set(name, labelNames);
    }
  }
  return served;
}

const SERVED = servedSeries();
const QUERIES = monitoringQueries(synthMonitoring());
const SELECTORS = QUERIES.flatMap((q) => metricSelectors(q.expr));

describe('the monitoring component and the controller', () => {
  it('find queries in both the alerts and the dashboard', () => {
    expect(QUERIES.filter((q) => q.source.startsWith('alert ')).length).toBeGreaterThanOrEqual(9);
    expect(QUERIES.filter((q) => q.source.startsWith('panel ')).length).toBeGreaterThanOrEqual(8);
  });

  it.each(QUERIES.map((q) => [q.source, q.expr]))(
    '%s reads metrics the controller serves, by labels they have',
    (_, expr) => {
      for (const { metric, matchers } of metricSelectors(expr)) {
        if (PROMETHEUS_METRICS.includes(metric)) continue;
        expect(SERVED.has(metric) ? metric : `${metric} (not served)`).toBe(metric);
        const known = [...(SERVED.get(metric) ?? []), ...TARGET_LABELS];
        for (const { label } of matchers) expect(known).toContain(label);
      }
    },
  );

  it('match failed submits by reasons the controller reports: gRPC status names in lower case', () => {
    const reported = Object.keys(status)
      .filter((key) => Number.isNaN(Number(key)))
      .map((name) => name.toLowerCase());
    const matched = SELECTORS.filter((s) => s.metric === 'scheduled_workflow_submit_failures_total')
      .flatMap((s) => s.matchers.filter((m) => m.label === 'reason'))
      .flatMap((m) => m.value.split('|'));
    expect(matched.length).toBeGreaterThanOrEqual(4);
    for (const reason of matched) expect(reported).toContain(reason);
  });

  it('match overdue schedules by reasons the controller reports', () => {
    const matched = SELECTORS.filter((s) => s.metric === 'scheduled_workflow_overdue_schedules')
      .flatMap((s) => s.matchers.filter((m) => m.label === 'reason'))
      .map((m) => m.value);
    expect(matched).toContain('not_fired');
    for (const reason of matched) expect(OVERDUE_REASONS).toContain(reason);
  });
});
