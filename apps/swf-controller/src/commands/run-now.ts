import { parseArgs } from 'node:util';
import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ConfigError } from '../config/config.js';
import { loadKubeConfig } from '../config/environment.js';
import { ANNOTATION_RUN_NOW, AnnotationError, pendingRunNow } from '../domain/index.js';
import { SWF_GROUP, SWF_PLURAL, SWF_VERSION } from '../domain/types.js';

/** Usage of `swf-controller run-now`. */
export const RUN_NOW_USAGE = `swf-controller run-now <namespace>/<name> [--kubeconfig <path>] [--value <text>]

Starts one extra run of a ScheduledWorkflow at once, with its next index, also when its schedule is
disabled: sets the annotation ${ANNOTATION_RUN_NOW} to a new value with a merge patch, as
the user of your kubeconfig (who needs "patch" on scheduledworkflows.kubeflow.org). The controller
starts one run per distinct value and records the value it honoured in ${ANNOTATION_RUN_NOW}-honoured.
  --kubeconfig  the kubeconfig to use (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)
  --value       the value to set (default: the current time, RFC 3339 with milliseconds)
Prints one JSON line {"scheduledWorkflow": "<namespace>/<name>", "runNow": "<value>"}.
Exit 0 when set, 1 when the Kubernetes API refused or could not be reached, 2 on bad arguments.`;

/** The argument that names the resource, in errors. */
const TARGET = '<namespace>/<name>';
/** RFC 1123 label: what a namespace name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: what a custom resource name must be. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The Kubernetes API refused the patch or could not be reached (exit 1). */
export class RunNowError extends Error {
  override readonly name = 'RunNowError';

  constructor(
    /** The resource, `<namespace>/<name>`. */
    readonly target: string,
    /** What went wrong, in words. */
    readonly rule: string,
  ) {
    super(`ScheduledWorkflow ${target}: ${rule}`);
  }
}

/** The answer of `run-now`. */
export interface RunNowAnswer {
  readonly scheduledWorkflow: string;
  readonly runNow: string;
}

/** Sets the annotation on one resource; the default patches through the Kubernetes API. */
export type RunNowPatcher = (
  target: { namespace: string; name: string; kubeconfig: string; inCluster: boolean },
  annotations: Record<string, string>,
) => Promise<void>;

/**
 * Runs `run-now`: checks the arguments, then merge-patches only the `run-now` annotation (never a
 * whole-object replace, which could undo a write of the controller or the KFP API server).
 *
 * @throws ConfigError (exit 2) for bad arguments; RunNowError (exit 1) when the patch fails
 */
export async function runNowCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  nowMs: number,
  patch: RunNowPatcher = patchAnnotations,
): Promise<RunNowAnswer> {
  let parsed: { values: Record<string, string | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { kubeconfig: { type: 'string' }, value: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    }) as typeof parsed;
  } catch (error) {
    throw new ConfigError('run-now', (error as Error).message);
  }
  const { values, positionals } = parsed;
  const { namespace, name } = parseTarget(positionals);
  const value = values.value ?? new Date(nowMs).toISOString();
  try {
    pendingRunNow({ [ANNOTATION_RUN_NOW]: value });
  } catch (error) {
    if (error instanceof AnnotationError) throw new ConfigError('--value', error.rule);
    throw error;
  }
  await patch(
    { namespace, name, kubeconfig: values.kubeconfig ?? '', inCluster: Boolean(env.KUBERNETES_SERVICE_HOST) },
    { [ANNOTATION_RUN_NOW]: value },
  );
  return { scheduledWorkflow: `${namespace}/${name}`, runNow: value };
}

function parseTarget(positionals: readonly string[]): { namespace: string; name: string } {
  if (positionals.length !== 1) {
    throw new ConfigError(
      TARGET,
      `give exactly one ScheduledWorkflow, as <namespace>/<name>, got ${positionals.length}`,
    );
  }
  const target = positionals[0] as string;
  const parts = target.split('/');
  const [namespace = '', name = ''] = parts;
  if (parts.length !== 2 || namespace === '' || name === '') {
    throw new ConfigError(TARGET, `must be <namespace>/<name>, got "${target}"`);
  }
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw new ConfigError(TARGET, `"${namespace}" is not a valid namespace name (RFC 1123 label)`);
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw new ConfigError(TARGET, `"${name}" is not a valid resource name (RFC 1123 subdomain)`);
  }
  return { namespace, name };
}

/** The merge patch through the caller's kubeconfig. */
async function patchAnnotations(
  target: Parameters<RunNowPatcher>[0],
  annotations: Record<string, string>,
): Promise<void> {
  const kubeConfig = await loadKubeConfig({
    kubeconfig: target.kubeconfig,
    master: '',
    inCluster: target.inCluster,
  });
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const label = `${target.namespace}/${target.name}`;
  try {
    await api.patchNamespacedCustomObject(
      {
        group: SWF_GROUP,
        version: SWF_VERSION,
        plural: SWF_PLURAL,
        namespace: target.namespace,
        name: target.name,
        body: { metadata: { annotations } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (error) {
    throw new RunNowError(label, refusal(error));
  }
}

/** Why the API server refused, in words, with its own message when it gave one. */
function refusal(error: unknown): string {
  if (!(error instanceof ApiException)) {
    return `cannot reach the Kubernetes API: ${(error as Error).message ?? String(error)}`;
  }
  const said = statusMessage(error.body);
  switch (error.code) {
    case 404:
      return 'not found (404): no such ScheduledWorkflow in that namespace';
    case 401:
      return `not authenticated (401): the kubeconfig's credentials were refused${said}`;
    case 403:
      return `no permission (403): the kubeconfig's user may not patch scheduledworkflows there${said}`;
    default:
      return `the Kubernetes API answered ${error.code}${said}`;
  }
}

/** `: <message>` of a Kubernetes Status body, or nothing. */
function statusMessage(body: unknown): string {
  let status: unknown = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return body.trim() === '' ? '' : `: ${body.trim()}`;
    }
  }
  const message = (status as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? `: ${message}` : '';
}
