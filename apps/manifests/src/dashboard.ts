import { controllerSeries, CONTROLLER_METRICS as M } from './controller-metrics.js';

/** One query of a panel. */
export interface DashboardTarget {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat: string;
}

/** A time-series panel, as far as this dashboard uses Grafana's panel model. */
export interface DashboardPanel {
  readonly id: number;
  readonly type: 'timeseries';
  readonly title: string;
  readonly description: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: { readonly type: 'prometheus'; readonly uid: string };
  readonly targets: readonly DashboardTarget[];
  readonly fieldConfig: {
    readonly defaults: { readonly unit: string; readonly min?: number };
    readonly overrides: readonly unknown[];
  };
}

/** A Grafana dashboard (JSON model), as the Grafana sidecar loads it from a ConfigMap. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly [field: string]: unknown;
  readonly panels: readonly DashboardPanel[];
}

/** What the dashboard is rendered with. */
export interface DashboardProps {
  /** The lateness alert's threshold, drawn on the lateness panel. */
  readonly latenessAlertSeconds: number;
}

/** `uid` of the dashboard: fixed, so links and provisioning survive a re-import. */
export const DASHBOARD_UID = 'kfp-scheduledworkflow';

// Grafana's own variable syntax, replaced by the data source the `datasource` variable picks.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable, not a JavaScript template
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const RATE_WINDOW = '5m';
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly targets: readonly (readonly [expr: string, legend: string])[];
}

/**
 * The controller's Grafana dashboard: runs per minute by path, trigger lateness, failed submits by
 * reason, overdue schedules, queue depth, Kubernetes writes per second, memory and leadership. A
 * `datasource` variable picks the Prometheus; every query reads the controller's scrape job only.
 */
export function controllerDashboard(props: DashboardProps): Dashboard {
  const rate = (metric: string) => `rate(${controllerSeries(metric)}[${RATE_WINDOW}])`;
  const latenessQuantile = (q: number) =>
    `histogram_quantile(${q}, sum by (le, path) (${rate(M.triggerLatenessBucket)}))`;
  const specs: PanelSpec[] = [
    {
      title: 'Runs per minute by path',
      description:
        'Runs started (created) or found already made (exists), per minute: workflow = embedded spec, create_run = KFP API server.',
      unit: 'short',
      targets: [[`sum by (path, outcome) (${rate(M.submissions)}) * 60`, '{{path}} {{outcome}}']],
    },
    {
      title: 'Trigger lateness',
      description: `Seconds from a run's scheduled time to its submission; the alert fires when p99 stays above ${props.latenessAlertSeconds} s for 10 minutes.`,
      unit: 's',
      targets: [
        [latenessQuantile(0.5), 'p50 {{path}}'],
        [latenessQuantile(0.99), 'p99 {{path}}'],
        [`vector(${props.latenessAlertSeconds})`, 'alert threshold'],
      ],
    },
    {
      title: 'Failed submits per minute by reason',
      description:
        'Submits that failed and will be retried with backoff, by gRPC status name (unauthenticated, permission_denied, unavailable, ...).',
      unit: 'short',
      targets: [[`sum by (path, reason) (${rate(M.submitFailures)}) * 60`, '{{path}} {{reason}}']],
    },
    {
      title: 'Overdue schedules',
      description:
        'Enabled ScheduledWorkflows more than 2 minutes past their next run time: not_fired (the controller should have started them), max_concurrency (runs still active), error (Error condition).',
      unit: 'short',
      targets: [[`sum by (reason) (${controllerSeries(M.overdueSchedules)})`, '{{reason}}']],
    },
    {
      title: 'Work queue depth',
      description: 'Keys waiting in the work queue, per replica.',
      unit: 'short',
      targets: [[controllerSeries(M.queueSize), '{{pod}}']],
    },
    {
      title: 'Kubernetes writes per second',
      description: 'Writes to the Kubernetes API by kind: status updates, Workflow creates, events.',
      unit: 'wps',
      targets: [[`sum by (kind) (${rate(M.kubeWrites)})`, '{{kind}}']],
    },
    {
      title: 'Memory',
      description:
        'Resident memory and V8 heap in use, per replica (the Deployment limits memory to 256 MiB).',
      unit: 'bytes',
      targets: [
        [controllerSeries(M.residentMemory), 'resident {{pod}}'],
        [controllerSeries(M.heapUsed), 'heap used {{pod}}'],
      ],
    },
    {
      title: 'Leadership and informer restarts',
      description:
        'Replicas reconciling (exactly one should), and informer restarts per minute after list or watch errors.',
      unit: 'short',
      targets: [
        [`sum(${controllerSeries(M.leader)})`, 'replicas leading'],
        [`sum by (resource) (${rate(M.informerErrors)}) * 60`, 'restarts/min {{resource}}'],
      ],
    },
  ];
  return {
    uid: DASHBOARD_UID,
    title: 'Kubeflow Pipelines / ScheduledWorkflow controller',
    tags: ['kubeflow', 'pipelines', 'scheduledworkflow'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    templating: {
      list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' }],
    },
    panels: specs.map((spec, index) => panel(spec, index)),
  };
}

function panel(spec: PanelSpec, index: number): DashboardPanel {
  return {
    id: index + 1,
    type: 'timeseries',
    title: spec.title,
    description: spec.description,
    gridPos: {
      x: (index % 2) * PANEL_WIDTH,
      y: Math.floor(index / 2) * PANEL_HEIGHT,
      w: PANEL_WIDTH,
      h: PANEL_HEIGHT,
    },
    datasource: DATASOURCE,
    targets: spec.targets.map(([expr, legendFormat], i) => ({
      refId: String.fromCharCode(65 + i),
      expr,
      legendFormat,
    })),
    fieldConfig: { defaults: { unit: spec.unit, min: 0 }, overrides: [] },
  };
}
