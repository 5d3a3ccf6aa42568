/**
 * Every setting of the controller: the upstream Go controller's flags with the same names and
 * defaults, the env vars its image maps to them, and the few settings added here. This table is
 * the single source for parsing, `--help` and the README's settings table.
 */

/** How a raw string is turned into a value. */
export type SettingKind = 'string' | 'bool' | 'int' | 'number';

/** One setting. */
export interface SettingSpec {
  /** Flag name without dashes, as upstream spells it. */
  readonly flag: string;
  /** Env var that sets it when the flag is absent; none for flags upstream's image does not map. */
  readonly env?: string;
  readonly kind: SettingKind;
  /** Default, as a raw string (what upstream's flag package would print). */
  readonly default: string;
  readonly help: string;
  /** Not upstream: added by this controller. */
  readonly added?: true;
  /** Accepted for compatibility and ignored (upstream's image passes it). */
  readonly ignored?: true;
}

/** The settings, in the order `--help` lists them. */
export const SETTINGS = [
  {
    flag: 'namespace',
    env: 'NAMESPACE',
    kind: 'string',
    default: '',
    help: 'Namespace to watch; empty watches every namespace.',
  },
  {
    flag: 'kubeconfig',
    kind: 'string',
    default: '',
    help: 'Path to a kubeconfig. Only required if out-of-cluster.',
  },
  {
    flag: 'master',
    kind: 'string',
    default: '',
    help: 'Address of the Kubernetes API server. Overrides any value in kubeconfig.',
  },
  {
    flag: 'logLevel',
    env: 'LOG_LEVEL',
    kind: 'string',
    default: 'info',
    help: 'Log level: trace, debug, info, warn, error, fatal or panic.',
  },
  {
    flag: 'clientQPS',
    env: 'CLIENT_QPS',
    kind: 'number',
    default: '5',
    help: 'Maximum queries per second to the Kubernetes API server.',
  },
  {
    flag: 'clientBurst',
    env: 'CLIENT_BURST',
    kind: 'int',
    default: '10',
    help: 'Maximum burst of queries to the Kubernetes API server.',
  },
  {
    flag: 'metricsPort',
    env: 'METRICS_PORT',
    kind: 'int',
    default: '9090',
    help: 'Port of /metrics, /healthz and /readyz.',
  },
  {
    flag: 'mlPipelineAPIServerName',
    kind: 'string',
    default: 'ml-pipeline',
    help: 'Host name of the KFP API server.',
  },
  {
    flag: 'mlPipelineServiceGRPCPort',
    kind: 'int',
    default: '8887',
    help: 'gRPC port of the KFP API server.',
  },
  {
    flag: 'mlPipelineServiceTLSEnabled',
    kind: 'bool',
    default: 'false',
    help: 'Connect to the KFP API server over TLS.',
  },
  {
    flag: 'caCertPath',
    kind: 'string',
    default: '',
    help: 'CA certificate (PEM) that verifies the KFP API server; empty uses the system roots.',
  },
  {
    flag: 'recurringRunResyncIntervalSeconds',
    env: 'RESYNC_INTERVAL_SECONDS',
    kind: 'int',
    default: '30',
    help: 'Full resync interval; a safety net, since each resource is requeued for its next fire time.',
  },
  {
    flag: 'userIdentityHeader',
    env: 'USER_IDENTITY_HEADER',
    kind: 'string',
    default: '',
    help: 'gRPC metadata key that carries the user identity (e.g. kubeflow-userid); empty turns the identity off.',
  },
  {
    flag: 'userIdentityValue',
    env: 'USER_IDENTITY_VALUE',
    kind: 'string',
    default: '',
    help: 'The identity (e.g. system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow); required with the header.',
  },
  {
    flag: 'userIdentityPrefix',
    env: 'USER_IDENTITY_PREFIX',
    kind: 'string',
    default: '',
    help: "Prepended to the identity, as the API server's USERID_PREFIX expects.",
    added: true,
  },
  {
    flag: 'apiTokenFile',
    kind: 'string',
    default: '/var/run/secrets/kubeflow/tokens/scheduledworkflow-sa-token',
    help: 'Projected service-account token sent as a bearer token; re-read when rotated; absent sends none.',
    added: true,
  },
  {
    flag: 'leaderElect',
    env: 'LEADER_ELECT',
    kind: 'bool',
    default: 'false',
    help: 'Run leader election on a coordination.k8s.io Lease, so only one replica reconciles.',
    added: true,
  },
  {
    flag: 'logtostderr',
    kind: 'bool',
    default: 'true',
    help: 'Accepted for compatibility with the upstream image; logs always go to stderr.',
    ignored: true,
  },
] as const satisfies readonly SettingSpec[];

/** Env var (no flag) that names the IANA time zone cron schedules are evaluated in. */
export const TIMEZONE_ENV = 'CRON_SCHEDULE_TIMEZONE';

/** Settings upstream reads from the environment only (no flag), as this controller does. */
export const ENV_ONLY_SETTINGS = [
  {
    env: TIMEZONE_ENV,
    default: '',
    help: "IANA time zone cron schedules are evaluated in; empty uses the machine's zone.",
  },
  {
    env: 'BLOCK_V1_PIPELINES',
    default: 'false',
    help: 'Refuse to start embedded KFP v1 workflows (true/false).',
  },
  {
    env: 'V1_ALLOWED_NAMESPACES',
    default: '',
    help: 'Comma-separated namespaces still allowed to run v1 workflows when they are blocked.',
  },
] as const;

/** Log levels accepted, as upstream's logrus names them (`warning` is an alias of `warn`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic'] as const;

/** The settings as the Markdown table the README shows (a test keeps the README equal to it). */
export function settingsTable(): string {
  const value = (text: string) => (text === '' ? 'empty' : `\`${text}\``);
  const rows = SETTINGS.map((s: SettingSpec) => {
    const env = s.env ? `\`${s.env}\`` : '';
    return `| \`--${s.flag}\` | ${env} | ${value(s.default)} | ${s.added ? 'new: ' : ''}${s.help} |`;
  });
  const envOnly = ENV_ONLY_SETTINGS.map((s) => `| | \`${s.env}\` | ${value(s.default)} | ${s.help} |`);
  return ['| flag | env var | default | meaning |', '|---|---|---|---|', ...rows, ...envOnly].join('\n');
}
