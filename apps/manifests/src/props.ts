import { ManifestPropsError } from './errors.js';

/** Keys read from the install ConfigMap; all of them are optional in the ConfigMap. */
export interface ConfigMapKeys {
  /** Key holding the cron time zone (`CRON_SCHEDULE_TIMEZONE`). @default 'cronScheduleTimezone' */
  readonly cronScheduleTimezone?: string;
  /** Key holding the API server's identity header (`USER_IDENTITY_HEADER`, multi-user). @default 'USERID_HEADER' */
  readonly userIdHeader?: string;
  /** Key holding the API server's identity prefix (`USER_IDENTITY_PREFIX`, multi-user). @default 'USERID_PREFIX' */
  readonly userIdPrefix?: string;
}

/**
 * Requests and limits of the controller container, in whole millicores and mebibytes. The defaults
 * come from `pnpm bench` with the image's bundle and node flags, on the CreateRun path: peak RSS
 * 91 MB and 8 % of a core at 1,000 recurring runs (17 fires a second), 134 MB and 17 % at 10,000.
 * The request covers a few thousand; the limit leaves room above 10,000 for a burst's garbage.
 */
export interface ControllerResources {
  /** @default 100 */
  readonly cpuRequestMillis?: number;
  /** No CPU limit by default: throttling would delay runs that must fire on time. @default none */
  readonly cpuLimitMillis?: number;
  /** @default 128 */
  readonly memoryRequestMebibytes?: number;
  /** @default 256 */
  readonly memoryLimitMebibytes?: number;
}

/** Settings of the generated install. Every prop is optional; the defaults reproduce upstream's install. */
export interface ManifestProps {
  /** Controller image reference. @default 'localhost/swf-controller:0.1.0' */
  readonly image?: string;
  /** Namespace of the controller, its ServiceAccount, Role and RoleBinding. @default 'kubeflow' */
  readonly namespace?: string;
  /** ConfigMap the controller reads optional settings from. @default 'pipeline-install-config' */
  readonly configMapName?: string;
  /** Keys of that ConfigMap. @default see {@link ConfigMapKeys} */
  readonly configMapKeys?: ConfigMapKeys;
  /** Container requests and limits. @default see {@link ControllerResources} */
  readonly resources?: ControllerResources;
  /** Number of controller pods; more than one turns on leader election (`LEADER_ELECT=true`). @default 1 */
  readonly replicas?: number;
  /**
   * Where the alerts' runbooks are: each `runbook_url` is this, `#`, and the alert's section in the
   * README's "Operating it" (e.g. `https://<git host>/<org>/<repo>/blob/main/README.md`).
   * @default 'README.md' (relative: set an absolute URL for links that work from Alertmanager)
   */
  readonly runbookBaseUrl?: string;
  /** p99 trigger lateness, in seconds, above which the lateness alert fires. @default 30 */
  readonly latenessAlertSeconds?: number;
}

/** {@link ManifestProps} with every default filled in and every rule checked. */
export interface ResolvedManifestProps {
  readonly image: string;
  readonly namespace: string;
  readonly configMapName: string;
  readonly configMapKeys: Required<ConfigMapKeys>;
  readonly resources: Required<Omit<ControllerResources, 'cpuLimitMillis'>> &
    Pick<ControllerResources, 'cpuLimitMillis'>;
  readonly replicas: number;
  readonly runbookBaseUrl: string;
  readonly latenessAlertSeconds: number;
}

/** The tag the project's image build produces. */
export const DEFAULT_IMAGE = 'localhost/swf-controller:0.1.0';

/** Defaults of every prop. */
export const DEFAULT_PROPS: ResolvedManifestProps = Object.freeze({
  image: DEFAULT_IMAGE,
  namespace: 'kubeflow',
  configMapName: 'pipeline-install-config',
  configMapKeys: Object.freeze({
    cronScheduleTimezone: 'cronScheduleTimezone',
    userIdHeader: 'USERID_HEADER',
    userIdPrefix: 'USERID_PREFIX',
  }),
  resources: Object.freeze({ cpuRequestMillis: 100, memoryRequestMebibytes: 128, memoryLimitMebibytes: 256 }),
  replicas: 1,
  runbookBaseUrl: 'README.md',
  // Above what a burst of 1,000 recurring runs due on one second costs (the last starts 8 to 13 s late).
  latenessAlertSeconds: 30,
});

/** A rule a prop must follow: the test and how the error states it. */
interface Rule<T> {
  readonly type: 'string' | 'number';
  readonly test: (value: T) => boolean;
  readonly text: string;
}

// The grammar of github.com/distribution/reference: optional registry host[:port], lower-case path
// components, optional tag, optional digest.
const IMAGE_REFERENCE = new RegExp(
  '^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?' +
    '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*' +
    '(?::[\\w][\\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$',
);
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

const IMAGE_RULE: Rule<string> = {
  type: 'string',
  test: (v) => v.length <= 255 && IMAGE_REFERENCE.test(v),
  text: 'must be an image reference such as registry/name:tag',
};
const NAMESPACE_RULE: Rule<string> = {
  type: 'string',
  test: (v) => v.length <= 63 && DNS1123_LABEL.test(v),
  text: 'must be a DNS-1123 label (lower-case alphanumerics and "-", at most 63 characters)',
};
const CONFIG_MAP_NAME_RULE: Rule<string> = {
  type: 'string',
  test: (v) => v.length <= 253 && DNS1123_SUBDOMAIN.test(v),
  text: 'must be a DNS-1123 subdomain (lower-case alphanumerics, "-" and ".", at most 253 characters)',
};
const CONFIG_MAP_KEY_RULE: Rule<string> = {
  type: 'string',
  test: (v) => v.length <= 253 && v !== '.' && v !== '..' && CONFIG_MAP_KEY.test(v),
  text: 'must be a ConfigMap key (letters, digits, "-", "_" and ".", at most 253 characters)',
};
const RUNBOOK_BASE_URL_RULE: Rule<string> = {
  type: 'string',
  test: (v) => v.length > 0 && !/[\s#"]/.test(v) && (/^https?:\/\/[^/]+/.test(v) || !v.includes(':')),
  text: 'must be an http(s) URL or a relative path, without spaces, quotes or a #fragment',
};
const WHOLE_NUMBER_RULE: Rule<number> = {
  type: 'number',
  test: (v) => Number.isSafeInteger(v) && v >= 1,
  text: 'must be a whole number of at least 1',
};

/**
 * Fills in defaults and checks every prop.
 *
 * @throws ManifestPropsError naming the first prop that breaks a rule
 */
export function resolveManifestProps(props: ManifestProps = {}): ResolvedManifestProps {
  const keys = { ...DEFAULT_PROPS.configMapKeys, ...props.configMapKeys };
  return Object.freeze({
    image: check('image', props.image ?? DEFAULT_PROPS.image, IMAGE_RULE),
    namespace: check('namespace', props.namespace ?? DEFAULT_PROPS.namespace, NAMESPACE_RULE),
    configMapName: check(
      'configMapName',
      props.configMapName ?? DEFAULT_PROPS.configMapName,
      CONFIG_MAP_NAME_RULE,
    ),
    configMapKeys: Object.freeze({
      cronScheduleTimezone: check(
        'configMapKeys.cronScheduleTimezone',
        keys.cronScheduleTimezone,
        CONFIG_MAP_KEY_RULE,
      ),
      userIdHeader: check('configMapKeys.userIdHeader', keys.userIdHeader, CONFIG_MAP_KEY_RULE),
      userIdPrefix: check('configMapKeys.userIdPrefix', keys.userIdPrefix, CONFIG_MAP_KEY_RULE),
    }),
    resources: Object.freeze(checkResources({ ...DEFAULT_PROPS.resources, ...props.resources })),
    replicas: check('replicas', props.replicas ?? DEFAULT_PROPS.replicas, WHOLE_NUMBER_RULE),
    runbookBaseUrl: check(
      'runbookBaseUrl',
      props.runbookBaseUrl ?? DEFAULT_PROPS.runbookBaseUrl,
      RUNBOOK_BASE_URL_RULE,
    ),
    latenessAlertSeconds: check(
      'latenessAlertSeconds',
      props.latenessAlertSeconds ?? DEFAULT_PROPS.latenessAlertSeconds,
      WHOLE_NUMBER_RULE,
    ),
  });
}

function check<T>(field: string, value: T, rule: Rule<T>): T {
  // Props may come from untyped callers (JavaScript, parsed flags): a wrong type breaks the rule too.
  if (typeof value !== rule.type || !rule.test(value)) {
    throw new ManifestPropsError(field, rule.text);
  }
  return value;
}

function checkResources(resources: ResolvedManifestProps['resources']): ResolvedManifestProps['resources'] {
  for (const [name, value] of Object.entries(resources)) {
    if (value !== undefined) check(`resources.${name}`, value, WHOLE_NUMBER_RULE);
  }
  const { cpuRequestMillis, cpuLimitMillis, memoryRequestMebibytes, memoryLimitMebibytes } = resources;
  if (cpuLimitMillis !== undefined && cpuLimitMillis < cpuRequestMillis) {
    throw new ManifestPropsError(
      'resources.cpuLimitMillis',
      `must be at least resources.cpuRequestMillis (${cpuRequestMillis})`,
    );
  }
  if (memoryLimitMebibytes < memoryRequestMebibytes) {
    throw new ManifestPropsError(
      'resources.memoryLimitMebibytes',
      `must be at least resources.memoryRequestMebibytes (${memoryRequestMebibytes})`,
    );
  }
  return resources;
}
