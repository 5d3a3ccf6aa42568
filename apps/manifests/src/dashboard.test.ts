import { METRICS_JOB } from './controller-metrics.js';
import { controllerDashboard } from './dashboard.js';
import { metricSelectors, promqlSyntaxErrors } from './promql.js';

const DASHBOARD = controllerDashboard({ latenessAlertSeconds: 30 });
const TARGETS = DASHBOARD.panels.flatMap((p) => p.targets.map((t) => [p.title, t.expr] as const));

describe('controllerDashboard', () => {
  it('has the panels an operator looks at', () => {
    expect(DASHBOARD.panels.map((p) => p.title)).toEqual([
      'Runs per minute by path',
      'Trigger lateness',
      'Failed submits per minute by reason',
      'Overdue schedules',
      'Work queue depth',
      'Kubernetes writes per second',
      'Memory',
      'Leadership and informer restarts',
    ]);
  });

  it('reads every panel from the data source the variable picks', () => {
    expect(DASHBOARD.templating).toEqual({
      list: [expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })],
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
    for (const panel of DASHBOARD.panels) expect(panel.datasource.uid).toBe('${datasource}');
  });

  it('gives panels unique ids and places them without overlap', () => {
    expect(new Set(DASHBOARD.panels.map((p) => p.id)).size).toBe(DASHBOARD.panels.length);
    const cells = DASHBOARD.panels.flatMap(({ gridPos: g }) =>
      Array.from({ length: g.w * g.h }, (_, i) => `${g.x + (i % g.w)},${g.y + Math.floor(i / g.w)}`),
    );
    expect(new Set(cells).size).toBe(cells.length);
    for (const { gridPos } of DASHBOARD.panels) expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
  });

  it.each(TARGETS)('%s: %s is PromQL on the controller job', (_, expr) => {
    expect(promqlSyntaxErrors(expr)).toEqual([]);
    for (const { matchers } of metricSelectors(expr)) {
      expect(matchers).toContainEqual({ label: 'job', op: '=', value: METRICS_JOB });
    }
  });

  it('draws the lateness alert threshold it is given', () => {
    const lateness = controllerDashboard({ latenessAlertSeconds: 45 }).panels.find(
      (p) => p.title === 'Trigger lateness',
    );
    expect(lateness?.targets.map((t) => t.expr)).toContain('vector(45)');
  });
});
