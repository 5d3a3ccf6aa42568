/**
 * Every setting of the controller: the upstream Go controller's flags with the same names and
 * defaults, the env vars its image maps to them, the env vars upstream reads without a flag, and
 * the few settings added here. This table is the single source for the controller's parsing (by
 * `kind`), its `--help`, the README's settings table and the env vars the install sets.
 */

import { API_TOKEN_DIR, API_TOKEN_FILE_NAME } from './api-token.js';

/** The steps of a submit, in order; the fault suite can crash the controller at one (`SWF_FAULT_CRASH_AT`). */
export const SUBMIT_STEPS = ['before-submit', 'after-submit', 'after-status'] as const;

/** One of {@link SUBMIT_STEPS}. */
export type SubmitStep = (typeof SUBMIT_STEPS)[number];

/** How a raw string is turned into a value. */
export type SettingKind = 'string' | 'bool' | 'int' | 'number';

/** One setting. */
export interface SettingSpec {
  /** Name of the value; also the flag's name (without dashes, as upstream spells it) when `flag` is set. */
  readonly name: string;
  /** Settable by `--<name>`. */
  readonly flag?: true;
  /** Env var that sets it when the flag is absent. */
  readonly env?: string;
  readonly kind: SettingKind;
  /** Default, as a raw string (what upstream's flag package would print). */
  readonly default: string;
  readonly help: string;
  /** `int` and `number`: the smallest value allowed. */
  readonly min?: number;
  /** `int` and `number`: the largest value allowed. */
  readonly max?: number;
  /** `number`: must be above 0. */
  readonly positive?: true;
  /** `string`: the values allowed, matched without regard to case. */
  readonly choices?: readonly string[];
  /** Not upstream: added by this controller. */
  readonly added?: true;
  /** Accepted for compatibility and ignored (upstream's image passes it). */
  readonly ignored?: true;
  /** Not for operators (a test hook): left out of `--help` and the README. */
  readonly internal?: true;
}

/** Log levels accepted, as upstream's logrus names them (`warning` is an alias of `warn`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic'] as const;

/** Env var (no flag) that names the IANA time zone cron schedules are evaluated in. */
export const TIMEZONE_ENV = 'CRON_SCHEDULE_TIMEZONE';

/**
 * Test hook for the fault suite, never set in a deployment: naming a step of a submit makes the
 * process kill itself with SIGKILL the first time a submit reaches that step, exactly as a
 * `kill -9` at that instant would (no cleanup, no status write after it).
 */
export const FAULT_CRASH_AT_ENV = 'SWF_FAULT_CRASH_AT';

const PORT = { min: 1, max: 65535 } as const;

/** The settings, in the order `--help` lists them. */
export const SETTINGS = [
  {
    name: 'namespace',
    flag: true,
    env: 'NAMESPACE',
    kind: 'string',
    default: '',
    help: 'Namespace to watch; empty watches every namespace.',
  },
  {
    name: 'kubeconfig',
    flag: true,
    kind: 'string',
    default: '',
    help: 'Path to a kubeconfig. Only required if out-of-cluster.',
  },
  {
    name: 'master',
    flag: true,
    kind: 'string',
    default: '',
    help: 'Address of the Kubernetes API server. Overrides any value in kubeconfig.',
  },
  {
    name: 'logLevel',
    flag: true,
    env: 'LOG_LEVEL',
    kind: 'string',
    default: 'info',
    choices: LOG_LEVELS,
    help: 'Log level: trace, debug, info, warn, error, fatal or panic.',
  },
  {
    name: 'clientQPS',
    flag: true,
    env: 'CLIENT_QPS',
    kind: 'number',
    default: '5',
    positive: true,
    help: 'Maximum queries per second to the Kubernetes API server, per API group called (ScheduledWorkflows, Workflows, Events, Leases), as upstream has one client each.',
  },
  {
    name: 'clientBurst',
    flag: true,
    env: 'CLIENT_BURST',
    kind: 'int',
    default: '10',
    min: 1,
    help: 'Maximum burst of queries to the Kubernetes API server, per API group called, as --clientQPS.',
  },
  {
    name: 'metricsPort',
    flag: true,
    env: 'METRICS_PORT',
    kind: 'int',
    default: '9090',
    min: 0,
    max: 65535,
    help: 'Port of /metrics, /healthz and /readyz.',
  },
  {
    name: 'mlPipelineAPIServerName',
    flag: true,
    kind: 'string',
    default: 'ml-pipeline',
    help: 'Host name of the KFP API server.',
  },
  {
    name: 'mlPipelineServiceGRPCPort',
    flag: true,
    kind: 'int',
    default: '8887',
    ...PORT,
    help: 'gRPC port of the KFP API server.',
  },
  {
    name: 'mlPipelineServiceTLSEnabled',
    flag: true,
    kind: 'bool',
    default: 'false',
    help: 'Connect to the KFP API server over TLS.',
  },
  {
    name: 'caCertPath',
    flag: true,
    kind: 'string',
    default: '',
    help: 'CA certificate (PEM) that verifies the KFP API server; empty uses the system roots.',
  },
  {
    name: 'recurringRunResyncIntervalSeconds',
    flag: true,
    env: 'RESYNC_INTERVAL_SECONDS',
    kind: 'int',
    default: '30',
    min: 1,
    help: 'Full resync interval; a safety net, since each resource is requeued for its next fire time. Every resource comes up once per interval, spread evenly over it.',
  },
  {
    name: 'userIdentityHeader',
    flag: true,
    env: 'USER_IDENTITY_HEADER',
    kind: 'string',
    default: '',
    help: 'gRPC metadata key that carries the user identity (e.g. kubeflow-userid); empty turns the identity off.',
  },
  {
    name: 'userIdentityValue',
    flag: true,
    env: 'USER_IDENTITY_VALUE',
    kind: 'string',
    default: '',
    help: 'The identity (e.g. system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow); required with the header.',
  },
  {
    name: 'userIdentityPrefix',
    flag: true,
    env: 'USER_IDENTITY_PREFIX',
    kind: 'string',
    default: '',
    help: "Prepended to the identity, as the API server's USERID_PREFIX expects.",
    added: true,
  },
  {
    name: 'apiTokenFile',
    flag: true,
    kind: 'string',
    default: `${API_TOKEN_DIR}/${API_TOKEN_FILE_NAME}`,
    help: 'Projected service-account token sent as a bearer token; re-read when rotated; absent sends none.',
    added: true,
  },
  {
    name: 'createRunTimeoutSeconds',
    flag: true,
    env: 'CREATE_RUN_TIMEOUT_SECONDS',
    kind: 'int',
    default: '30',
    min: 1,
    help: 'Deadline of each CreateRun call to the KFP API server.',
    added: true,
  },
  {
    name: 'createRunGraceSeconds',
    flag: true,
    env: 'CREATE_RUN_GRACE_SECONDS',
    kind: 'int',
    default: '60',
    min: 1,
    help: "After a CreateRun without an answer (deadline, cancelled), how long to wait for the run's Workflow before calling again; at least the CreateRun deadline.",
    added: true,
  },
  {
    name: 'kubeRequestTimeoutSeconds',
    flag: true,
    env: 'KUBE_REQUEST_TIMEOUT_SECONDS',
    kind: 'int',
    default: '30',
    min: 1,
    help: 'Deadline of each call to the Kubernetes API server (a list, a write, an event); a watch still open this long after its 30 s timeout is on a dead connection: it is ended and the collection listed again.',
    added: true,
  },
  {
    name: 'recordRunEvents',
    flag: true,
    env: 'RECORD_RUN_EVENTS',
    kind: 'bool',
    default: 'false',
    help: 'Record a Normal event for every run started: one more Kubernetes write per run. Warning events are always recorded.',
    added: true,
  },
  {
    name: 'leaderElect',
    flag: true,
    env: 'LEADER_ELECT',
    kind: 'bool',
    default: 'false',
    help: 'Run leader election on a coordination.k8s.io Lease, so only one replica reconciles.',
    added: true,
  },
  {
    name: 'allowCrossNamespaceExperiments',
    flag: true,
    env: 'ALLOW_CROSS_NAMESPACE_EXPERIMENTS',
    kind: 'bool',
    default: 'false',
    help: 'Let a ScheduledWorkflow without an embedded spec name an experiment of another namespace (no GetExperiment check before CreateRun): anyone who may write one can then start runs in any namespace.',
    added: true,
  },
  {
    name: 'logtostderr',
    flag: true,
    kind: 'bool',
    default: 'true',
    help: 'Accepted for compatibility with the upstream image; logs always go to stderr.',
    ignored: true,
  },
  {
    name: 'cronScheduleTimezone',
    env: TIMEZONE_ENV,
    kind: 'string',
    default: '',
    help: "IANA time zone cron schedules are evaluated in; empty or `Local` uses the machine's zone (`TZ`, else /etc/localtime), as upstream does.",
  },
  {
    name: 'blockV1Pipelines',
    env: 'BLOCK_V1_PIPELINES',
    kind: 'bool',
    default: 'false',
    help: 'Refuse to start embedded KFP v1 workflows (true/false).',
  },
  {
    name: 'v1AllowedNamespaces',
    env: 'V1_ALLOWED_NAMESPACES',
    kind: 'string',
    default: '',
    help: 'Comma-separated namespaces still allowed to run v1 workflows when they are blocked.',
  },
  {
    name: 'namespaceSelf',
    env: 'NAMESPACE_SELF',
    kind: 'string',
    default: '',
    help: "The controller's own namespace (the multi-user install sets it from the downward API); the leader-election Lease lives there. Empty: the pod's namespace.",
    added: true,
  },
  {
    name: 'faultCrashAt',
    env: FAULT_CRASH_AT_ENV,
    kind: 'string',
    default: '',
    choices: ['', ...SUBMIT_STEPS],
    help: 'Test hook: kill the process with SIGKILL when a submit reaches this step.',
    internal: true,
  },
] as const satisfies readonly SettingSpec[];

/** A setting's name. */
export type SettingName = (typeof SETTINGS)[number]['name'];

type KindValue = { string: string; bool: boolean; int: number; number: number };

/** Every setting's parsed value, typed by its kind. */
export type SettingValues = {
  [S in (typeof SETTINGS)[number] as S['name']]: KindValue[S['kind']];
};

/** `--flag / ENV`, `--flag` or `ENV`: how errors and `--help` name a setting. */
export function settingLabel(spec: SettingSpec): string {
  if (spec.flag && spec.env) return `--${spec.name} / ${spec.env}`;
  return spec.flag ? `--${spec.name}` : (spec.env as string);
}

/** The setting called `name`. */
export function settingSpec(name: SettingName): SettingSpec {
  return SETTINGS.find((s) => s.name === name) as SettingSpec;
}

/** Names of the settings that have an env var. */
export type EnvSettingName = Extract<(typeof SETTINGS)[number], { env: string }>['name'];

/** The env var of the setting called `name`; the type admits only settings that have one. */
export function envVar(name: EnvSettingName): string {
  return settingSpec(name).env as string;
}

/** Every env var the controller reads. */
export const SETTING_ENV_VARS: readonly string[] = (SETTINGS as readonly SettingSpec[]).flatMap((s) =>
  s.env ? [s.env] : [],
);

/** The settings as the Markdown table the README shows (a test keeps the README equal to it). */
export function settingsTable(): string {
  const value = (text: string) => (text === '' ? 'empty' : `\`${text}\``);
  const rows = (SETTINGS as readonly SettingSpec[])
    .filter((s) => !s.internal)
    .map((s) => {
      const flag = s.flag ? `\`--${s.name}\`` : '';
      const env = s.env ? `\`${s.env}\`` : '';
      return `| ${flag} | ${env} | ${value(s.default)} | ${s.added ? 'new: ' : ''}${s.help} |`;
    });
  return ['| flag | env var | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
