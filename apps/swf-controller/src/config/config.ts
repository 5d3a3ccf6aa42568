import type { SubmitStep } from '@swf/contract';
import {
  SETTINGS,
  type SettingName,
  type SettingSpec,
  type SettingValues,
  settingLabel,
  settingSpec,
} from '@swf/contract';
import { MetadataValidationError, resolveUserIdentity, type UserIdentity } from '@swf/metadata-auth';
import { loadZone, ScheduleError, type Zone } from '../domain/schedule/index.js';
import type { LogLevel } from '../log.js';

/** A setting breaks a rule; the process exits 2 with this message before connecting to anything. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The flag and env var, e.g. `--clientQPS / CLIENT_QPS`. */
    readonly setting: string,
    /** The rule broken. */
    readonly rule: string,
  ) {
    super(`${setting}: ${rule}`);
  }
}

/** The resolved settings, parsed once and passed down frozen. Nothing else reads the environment. */
export interface Config {
  readonly namespace: string;
  readonly kubeconfig: string;
  readonly master: string;
  /** `KUBERNETES_SERVICE_HOST` is set: running in a pod, where the in-cluster config applies. */
  readonly inCluster: boolean;
  readonly logLevel: LogLevel;
  readonly clientQPS: number;
  readonly clientBurst: number;
  readonly metricsPort: number;
  readonly apiServer: {
    readonly host: string;
    readonly port: number;
    readonly tls: boolean;
    readonly caCertPath: string;
  };
  readonly resyncIntervalSeconds: number;
  readonly userIdentity: UserIdentity | null;
  /** Deadline of each CreateRun call. */
  readonly createRunTimeoutSeconds: number;
  /** After a CreateRun without an answer, how long no new call starts for that run unless its Workflow appears. */
  readonly createRunGraceSeconds: number;
  /** Deadline of each Kubernetes call (`--kubeRequestTimeoutSeconds`). */
  readonly kubeRequestTimeoutSeconds: number;
  /** Empty when no token is to be sent. */
  readonly apiTokenFile: string;
  /** Record a Normal event for every run started. */
  readonly recordRunEvents: boolean;
  /** Skip the check that a latest-version resource names an experiment of its own namespace. */
  readonly allowCrossNamespaceExperiments: boolean;
  readonly leaderElect: boolean;
  /** Namespace of the leader-election Lease: `NAMESPACE_SELF`, else the pod's, else the watched one, else `kubeflow`. */
  readonly leaseNamespace: string;
  /** The zone cron schedules are evaluated in: `CRON_SCHEDULE_TIMEZONE`, else the machine's. */
  readonly zone: Zone;
  /** Upstream's `BLOCK_V1_PIPELINES` / `V1_ALLOWED_NAMESPACES`. */
  readonly v1Block: { readonly blockV1Pipelines: boolean; readonly v1AllowedNamespaces: string };
  /** Test hook `SWF_FAULT_CRASH_AT`: the submit step to crash at, or null. */
  readonly faultCrashAt: SubmitStep | null;
}

/** Facts of the host the settings are resolved on, read by the caller. */
export interface HostFacts {
  /** The pod's namespace from its service-account mount; empty outside a pod. */
  readonly podNamespace?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const FLAGS: ReadonlyMap<string, SettingSpec> = new Map(
  (SETTINGS as readonly SettingSpec[]).filter((s) => s.flag).map((s) => [s.name, s]),
);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Commands `parseFlags` accepts as the first word. */
export const COMMANDS = ['run', 'next', 'run-now', 'print-config', 'help'] as const;

/**
 * Splits argv into settings given as flags and the remaining positional words.
 *
 * @throws ConfigError for an unknown flag or a flag without its value
 */
export function parseFlags(argv: readonly string[]): {
  flags: Partial<Record<SettingName, string>>;
  positional: string[];
  help: boolean;
} {
  const flags: Partial<Record<SettingName, string>> = {};
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    if (name === 'help' || name === 'h') {
      help = true;
      continue;
    }
    const spec = FLAGS.get(name);
    if (!spec) throw new ConfigError(`--${name}`, 'unknown flag; run with --help to list the flags');
    const key = spec.name as SettingName;
    if (eq !== -1) {
      flags[key] = body.slice(eq + 1);
    } else if (spec.kind === 'bool') {
      flags[key] = 'true';
    } else {
      const value = argv[i + 1];
      if (value === undefined) throw new ConfigError(`--${name}`, 'needs a value');
      flags[key] = value;
      i++;
    }
  }
  return { flags, positional, help };
}

/**
 * Parses every setting by its kind: a flag beats its env var, which beats the default. An env var
 * that is set but empty counts as unset (upstream's image sets `NAMESPACE=""`). Strings are trimmed
 * (ConfigMap values end in newlines).
 *
 * @throws ConfigError naming the flag or env var and the rule broken
 */
export function parseSettings(flags: Partial<Record<SettingName, string>>, env: Env): SettingValues {
  const values: Record<string, string | number | boolean> = {};
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const fromEnv = spec.env ? env[spec.env] : undefined;
    const raw = flags[spec.name as SettingName] ?? (fromEnv ? fromEnv : spec.default);
    values[spec.name] = parseValue(raw, spec);
  }
  return values as SettingValues;
}

/**
 * Resolves every setting into the one frozen {@link Config}: parsed by kind from the settings table,
 * then checked and combined (the identity, the zone, the Lease's namespace).
 *
 * @throws ConfigError naming the flag or env var and the rule broken
 */
export function resolveConfig(
  flags: Partial<Record<SettingName, string>>,
  env: Env,
  host: HostFacts = {},
): Config {
  const values = parseSettings(flags, env);
  const label = (name: SettingName) => settingLabel(settingSpec(name));

  const { namespace } = values;
  if (namespace !== '' && (namespace.length > 63 || !DNS_LABEL.test(namespace))) {
    throw new ConfigError(
      label('namespace'),
      `"${namespace}" is not a valid namespace name (RFC 1123 label)`,
    );
  }
  if (values.mlPipelineAPIServerName === '') {
    throw new ConfigError(label('mlPipelineAPIServerName'), 'must not be empty');
  }
  let userIdentity: UserIdentity | null;
  try {
    userIdentity = resolveUserIdentity(
      {
        header: values.userIdentityHeader,
        value: values.userIdentityValue,
        prefix: values.userIdentityPrefix,
      },
      {
        header: label('userIdentityHeader'),
        value: label('userIdentityValue'),
        prefix: label('userIdentityPrefix'),
      },
    );
  } catch (error) {
    if (error instanceof MetadataValidationError) throw new ConfigError(error.setting, error.rule);
    throw error;
  }
  if (values.createRunGraceSeconds < values.createRunTimeoutSeconds) {
    throw new ConfigError(
      label('createRunGraceSeconds'),
      `must be at least ${label('createRunTimeoutSeconds')} (${values.createRunTimeoutSeconds}): a server that missed one deadline gets at least as long again to finish, got ${values.createRunGraceSeconds}`,
    );
  }
  const level = values.logLevel.toLowerCase();

  return Object.freeze({
    namespace,
    kubeconfig: values.kubeconfig,
    master: values.master,
    inCluster: Boolean(env.KUBERNETES_SERVICE_HOST),
    logLevel: (level === 'warning' ? 'warn' : level) as LogLevel,
    clientQPS: values.clientQPS,
    clientBurst: values.clientBurst,
    metricsPort: values.metricsPort,
    apiServer: Object.freeze({
      host: values.mlPipelineAPIServerName,
      port: values.mlPipelineServiceGRPCPort,
      tls: values.mlPipelineServiceTLSEnabled,
      caCertPath: values.caCertPath,
    }),
    resyncIntervalSeconds: values.recurringRunResyncIntervalSeconds,
    userIdentity,
    createRunTimeoutSeconds: values.createRunTimeoutSeconds,
    createRunGraceSeconds: values.createRunGraceSeconds,
    kubeRequestTimeoutSeconds: values.kubeRequestTimeoutSeconds,
    apiTokenFile: values.apiTokenFile,
    recordRunEvents: values.recordRunEvents,
    allowCrossNamespaceExperiments: values.allowCrossNamespaceExperiments,
    leaderElect: values.leaderElect,
    leaseNamespace: values.namespaceSelf || host.podNamespace?.trim() || namespace || 'kubeflow',
    zone: resolveZone(values.cronScheduleTimezone, label('cronScheduleTimezone'), env),
    v1Block: Object.freeze({
      blockV1Pipelines: values.blockV1Pipelines,
      v1AllowedNamespaces: values.v1AllowedNamespaces,
    }),
    faultCrashAt: (values.faultCrashAt || null) as SubmitStep | null,
  });
}

/**
 * The zone called `name`, or the machine's zone ({@link machineZoneName}) for an empty name or
 * `Local` (Go's name for it, which upstream accepts).
 *
 * @throws ConfigError naming `setting` when the runtime knows no such zone
 */
export function resolveZone(name: string, setting: string, env: Env = process.env): Zone {
  const trimmed = name.trim();
  const zoneName =
    trimmed === '' || trimmed === 'Local'
      ? machineZoneName(env.TZ, Intl.DateTimeFormat().resolvedOptions().timeZone)
      : trimmed;
  try {
    return loadZone(zoneName, setting);
  } catch (error) {
    if (error instanceof ScheduleError) {
      throw new ConfigError(setting, `"${zoneName}" is not a known IANA time zone`);
    }
    throw error;
  }
}

/**
 * The name of the machine's zone, found as Go's `time.Local` finds it (upstream evaluates schedules
 * there when CRON_SCHEDULE_TIMEZONE is empty), from `TZ` and the zone the runtime reports:
 * `TZ` unset, the runtime's (which reads /etc/localtime); `TZ` empty, UTC; a zone file's path
 * (`/usr/share/zoneinfo/Europe/Berlin`, with or without Go's leading `:`), the zone it names; a
 * name no zone has, UTC. The runtime alone gets the last three wrong (`Etc/Unknown`, or no zone).
 */
export function machineZoneName(tz: string | undefined, runtimeZone: string | undefined): string {
  const known = (zone: string | undefined): zone is string => {
    if (zone === undefined || zone === '' || zone === 'Etc/Unknown') return false;
    try {
      loadZone(zone);
      return true;
    } catch {
      return false;
    }
  };
  if (tz === undefined) return known(runtimeZone) ? runtimeZone : 'UTC';
  const path = tz.startsWith(':') ? tz.slice(1) : tz;
  const named = path.includes('zoneinfo/')
    ? path.slice(path.lastIndexOf('zoneinfo/') + 'zoneinfo/'.length)
    : path;
  return known(named) ? named : 'UTC';
}

/** Parses flags from argv and resolves them with the env. */
export function loadConfig(argv: readonly string[], env: Env, host: HostFacts = {}): Config {
  return resolveConfig(parseFlags(argv).flags, env, host);
}

/** The config as `print-config` shows it: every resolved setting, the zone by name, never a token. */
export function describeConfig(config: Config): Record<string, unknown> {
  const { zone, ...rest } = config;
  return {
    ...rest,
    timezone: zone.name,
    apiServer: { ...config.apiServer, address: `${config.apiServer.host}:${config.apiServer.port}` },
    userIdentity: config.userIdentity
      ? { key: config.userIdentity.key, value: config.userIdentity.value }
      : null,
  };
}

function parseValue(raw: string, spec: SettingSpec): string | number | boolean {
  const text = raw.trim();
  const fail = (rule: string): never => {
    throw new ConfigError(settingLabel(spec), rule);
  };
  switch (spec.kind) {
    case 'string':
      if (spec.choices && !spec.choices.includes(text.toLowerCase())) {
        fail(`must be one of ${spec.choices.filter(Boolean).join(', ')}, got "${raw}"`);
      }
      return text;
    case 'bool':
      if (TRUE_WORDS.has(text)) return true;
      if (FALSE_WORDS.has(text)) return false;
      return fail(`must be true or false, got "${raw}"`);
    case 'int':
    case 'number': {
      const value = Number(text);
      if (spec.kind === 'int' && (!INTEGER.test(text) || !Number.isSafeInteger(value))) {
        fail(`must be an integer, got "${raw}"`);
      }
      if (spec.kind === 'number' && (!NUMBER.test(text) || !Number.isFinite(value))) {
        fail(`must be a ${spec.positive ? 'positive ' : ''}number, got "${raw}"`);
      }
      if (spec.positive && value <= 0) fail(`must be a positive number, got "${raw}"`);
      checkRange(value, spec, fail);
      return value;
    }
  }
}

function checkRange(value: number, spec: SettingSpec, fail: (rule: string) => never): void {
  const { min, max } = spec;
  if ((min === undefined || value >= min) && (max === undefined || value <= max)) return;
  const range =
    max === undefined
      ? `at least ${min}`
      : min === undefined
        ? `at most ${max}`
        : `between ${min} and ${max}`;
  fail(`must be ${range}, got ${value}`);
}
