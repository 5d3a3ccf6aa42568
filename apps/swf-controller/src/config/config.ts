import { MetadataValidationError, resolveUserIdentity, type UserIdentity } from '@swf/metadata-auth';
import { LOG_LEVELS, SETTINGS, type SettingSpec, TIMEZONE_ENV } from './settings.js';

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

/** A log level, normalised (`warning` becomes `warn`). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'panic';

/** The resolved settings, parsed once and passed down frozen. */
export interface Config {
  readonly namespace: string;
  readonly kubeconfig: string;
  readonly master: string;
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
  /** Empty when no token is to be sent. */
  readonly apiTokenFile: string;
  readonly leaderElect: boolean;
  /** IANA zone for cron schedules; `Local` means the machine's zone. */
  readonly timezone: string;
  /** Upstream's `BLOCK_V1_PIPELINES` / `V1_ALLOWED_NAMESPACES`. */
  readonly v1Block: { readonly blockV1Pipelines: boolean; readonly v1AllowedNamespaces: string };
}

type SettingName = (typeof SETTINGS)[number]['flag'];
type Raw = Record<SettingName, string>;

const BY_FLAG: ReadonlyMap<string, SettingSpec> = new Map(SETTINGS.map((s) => [s.flag, s]));
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** `--flag / ENV`, or `--flag` for settings without an env var: how errors name a setting. */
export function settingLabel(spec: SettingSpec): string {
  return spec.env ? `--${spec.flag} / ${spec.env}` : `--${spec.flag}`;
}

/** Splits argv into settings given as flags and the remaining positional words. */
export function parseFlags(argv: readonly string[]): {
  flags: Partial<Raw>;
  positional: string[];
  help: boolean;
} {
  const flags: Partial<Raw> = {};
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
    const spec = BY_FLAG.get(name);
    if (!spec) throw new ConfigError(`--${name}`, 'unknown flag; run with --help to list the flags');
    if (eq !== -1) {
      flags[spec.flag as SettingName] = body.slice(eq + 1);
    } else if (spec.kind === 'bool') {
      flags[spec.flag as SettingName] = 'true';
    } else {
      const value = argv[i + 1];
      if (value === undefined) throw new ConfigError(`--${name}`, 'needs a value');
      flags[spec.flag as SettingName] = value;
      i++;
    }
  }
  return { flags, positional, help };
}

/**
 * Resolves every setting: a flag beats its env var, which beats the default. An env var that is
 * set but empty counts as unset (upstream's image sets `NAMESPACE=""`).
 *
 * @throws ConfigError naming the flag or env var and the rule broken
 */
export function resolveConfig(
  flags: Partial<Raw>,
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const raw = {} as Raw;
  for (const spec of SETTINGS) {
    const fromEnv = 'env' in spec ? env[spec.env] : undefined;
    raw[spec.flag] = flags[spec.flag] ?? (fromEnv ? fromEnv : spec.default);
  }
  const spec = (flag: SettingName) => BY_FLAG.get(flag) as SettingSpec;
  const int = (flag: SettingName, min: number, max = Number.MAX_SAFE_INTEGER) =>
    parseInteger(raw[flag], spec(flag), min, max);

  const namespace = raw.namespace.trim();
  if (namespace !== '' && (namespace.length > 63 || !DNS_LABEL.test(namespace))) {
    throw new ConfigError(
      settingLabel(spec('namespace')),
      `"${namespace}" is not a valid namespace name (RFC 1123 label)`,
    );
  }
  const host = raw.mlPipelineAPIServerName.trim();
  if (host === '') throw new ConfigError(settingLabel(spec('mlPipelineAPIServerName')), 'must not be empty');
  const clientQPS = parseNumber(raw.clientQPS, spec('clientQPS'));

  let userIdentity: UserIdentity | null;
  try {
    userIdentity = resolveUserIdentity({
      header: raw.userIdentityHeader,
      value: raw.userIdentityValue,
      prefix: raw.userIdentityPrefix,
    });
  } catch (error) {
    if (error instanceof MetadataValidationError) throw new ConfigError(error.setting, error.rule);
    throw error;
  }

  const timezone = (env[TIMEZONE_ENV] ?? '').trim() || 'Local';
  if (timezone !== 'Local' && !isKnownZone(timezone)) {
    throw new ConfigError(TIMEZONE_ENV, `"${timezone}" is not a known IANA time zone`);
  }

  return Object.freeze({
    namespace,
    kubeconfig: raw.kubeconfig.trim(),
    master: raw.master.trim(),
    logLevel: parseLogLevel(raw.logLevel, spec('logLevel')),
    clientQPS,
    clientBurst: int('clientBurst', 1),
    metricsPort: int('metricsPort', 0, 65535),
    apiServer: Object.freeze({
      host,
      port: int('mlPipelineServiceGRPCPort', 1, 65535),
      tls: parseBool(raw.mlPipelineServiceTLSEnabled, settingLabel(spec('mlPipelineServiceTLSEnabled'))),
      caCertPath: raw.caCertPath.trim(),
    }),
    resyncIntervalSeconds: int('recurringRunResyncIntervalSeconds', 1),
    userIdentity,
    apiTokenFile: raw.apiTokenFile.trim(),
    leaderElect: parseBool(raw.leaderElect, settingLabel(spec('leaderElect'))),
    timezone,
    v1Block: Object.freeze({
      blockV1Pipelines: parseBool(env.BLOCK_V1_PIPELINES || 'false', 'BLOCK_V1_PIPELINES'),
      v1AllowedNamespaces: (env.V1_ALLOWED_NAMESPACES ?? '').trim(),
    }),
  });
}

/** Parses flags from argv and resolves them with the env. */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Config {
  return resolveConfig(parseFlags(argv).flags, env);
}

/** The config as `print-config` shows it: every resolved setting, never a token. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    apiServer: { ...config.apiServer, address: `${config.apiServer.host}:${config.apiServer.port}` },
    userIdentity: config.userIdentity
      ? { key: config.userIdentity.key, value: config.userIdentity.value }
      : null,
  };
}

function parseInteger(text: string, spec: SettingSpec, min: number, max: number): number {
  const value = Number(text.trim());
  if (!INTEGER.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new ConfigError(settingLabel(spec), `must be an integer, got "${text}"`);
  }
  if (value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    throw new ConfigError(settingLabel(spec), `must be ${range}, got ${value}`);
  }
  return value;
}

function parseNumber(text: string, spec: SettingSpec): number {
  const value = Number(text.trim());
  if (!NUMBER.test(text.trim()) || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(settingLabel(spec), `must be a positive number, got "${text}"`);
  }
  return value;
}

function parseBool(text: string, label: string): boolean {
  const word = text.trim();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ConfigError(label, `must be true or false, got "${text}"`);
}

function parseLogLevel(text: string, spec: SettingSpec): LogLevel {
  const level = text.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(settingLabel(spec), `must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
  }
  return (level === 'warning' ? 'warn' : level) as LogLevel;
}

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
