export {
  type AlertRule,
  type AlertRuleProps,
  type AlertSeverity,
  alertRuleGroups,
  alertRules,
  RULE_GROUP_NAME,
  type RuleGroup,
  runbookAnchor,
} from './alert-rules.js';
export { BaseChart } from './base-chart.js';
export {
  CONTROLLER_UID,
  ControllerDeployment,
  type ControllerDeploymentProps,
} from './controller-deployment.js';
export { CONTROLLER_METRICS, controllerSeries, METRICS_JOB } from './controller-metrics.js';
export { ControllerRbac, type ControllerRbacProps } from './controller-rbac.js';
export { ScheduledWorkflowCrd } from './crd.js';
export { SCHEDULED_WORKFLOW_SCHEMA, type StructuralSchema } from './crd-schema.js';
export {
  controllerDashboard,
  DASHBOARD_UID,
  type Dashboard,
  type DashboardPanel,
  type DashboardProps,
  type DashboardTarget,
} from './dashboard.js';
export {
  DASHBOARD_FILE,
  DashboardConfigMap,
  type DashboardConfigMapProps,
  GRAFANA_DASHBOARD_LABEL,
} from './dashboard-config-map.js';
export { ManifestPropsError } from './errors.js';
export { multiUserInstallObjects } from './install-objects.js';
export { ensureKustomize, type KustomizeOptions, kustomizeBuild, kustomizePath } from './kustomize.js';
export {
  BASE_LAYER_DIR,
  type KubeObject,
  type Kustomization,
  type KustomizationFields,
  layerObjects,
  type ManifestFile,
  type ManifestLayer,
  MONITORING_COMPONENT_DIR,
  MULTI_USER_LABELS,
  MULTI_USER_LAYER_DIR,
  synthBase,
  synthMonitoring,
  synthMultiUser,
} from './layers.js';
export { MetricsService, type MetricsServiceProps } from './metrics-service.js';
export { MonitoringChart } from './monitoring-chart.js';
export { type MonitoringQuery, monitoringQueries } from './monitoring-queries.js';
export { MultiUserChart } from './multi-user-chart.js';
export { MultiUserDeploymentPatch, multiUserEnv, USER_IDENTITY_VALUE } from './multi-user-patch.js';
export * from './names.js';
export {
  DIST_BASE_DIR,
  DIST_DIR,
  DIST_MONITORING_DIR,
  DIST_MULTI_USER_DIR,
  KUSTOMIZE_MODULE_DIR,
  PROMTOOL_MODULE_DIR,
} from './paths.js';
export { PRINTER_COLUMNS, type PrinterColumn } from './printer-columns.js';
export { ControllerPrometheusRule, type ControllerPrometheusRuleProps } from './prometheus-rule.js';
export {
  type LabelMatcher,
  type MetricSelector,
  metricSelectors,
  promqlSyntaxErrors,
} from './promql.js';
export {
  ensurePromtool,
  type PromtoolOptions,
  type PromtoolResult,
  promtoolPath,
  runPromtool,
} from './promtool.js';
export {
  type ConfigMapKeys,
  type ControllerResources,
  DEFAULT_IMAGE,
  DEFAULT_PROPS,
  type ManifestProps,
  type ResolvedManifestProps,
  resolveManifestProps,
} from './props.js';
export { CONTROLLER_RULES, LEADER_ELECTION_RULES, type PolicyRule } from './rbac-rules.js';
export {
  checkStructural,
  pruningObjects,
  type SchemaViolation,
  structuralProblems,
} from './schema-check.js';
export {
  ControllerServiceMonitor,
  type ControllerServiceMonitorProps,
  SCRAPE_INTERVAL,
} from './service-monitor.js';
export { toYaml, writeDist, writeLayer } from './write.js';
