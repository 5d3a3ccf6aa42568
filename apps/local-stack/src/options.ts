import { parseArgs } from 'node:util';

/** Settings of a local-stack run. */
export interface StackOptions {
  /** A real cluster's kubeconfig; `null` starts the embedded control plane and KFP API double. */
  readonly kubeconfig: string | null;
  /** Stop by itself after this many seconds; `null` runs until Ctrl-C. */
  readonly durationSeconds: number | null;
  /** JSON lines instead of the live view (the default when stdout is not a terminal). */
  readonly plain: boolean;
  /** Namespace of the sample recurring runs. */
  readonly namespace: string;
  /** Namespace the controller is installed in (its service account, the install ConfigMap). */
  readonly controllerNamespace: string;
  /** `host:port` of the KFP API server's gRPC port (cluster mode). */
  readonly kfpAddress: string;
  /** KFP experiment and pipeline of the latest-version sample (cluster mode). */
  readonly experimentId: string | null;
  readonly pipelineId: string | null;
}

/** A bad command-line option. */
export class StackOptionError extends Error {
  readonly option: string;
  readonly rule: string;
  override readonly name = 'StackOptionError';

  constructor(option: string, rule: string) {
    super(`${option}: ${rule}`);
    this.option = option;
    this.rule = rule;
  }
}

/** `--help` text. */
export const USAGE = `swf-local-stack: the controller, a control plane, a KFP API double and two sample recurring runs

Usage: pnpm start [-- options]

  --duration <s>             stop by itself after s seconds (default: run until Ctrl-C)
  --plain                    print JSON lines instead of the live view (default when stdout is not a terminal)
  --namespace <ns>           namespace of the sample recurring runs (default team-a)
  --controller-namespace <ns> namespace the controller is installed in (default kubeflow)

Against a real cluster instead of the embedded control plane:
  --kubeconfig <path>        cluster with multi-user KFP and this controller's multi-user RBAC applied
  --kfp <host:port>          the KFP API server's gRPC port (default 127.0.0.1:8887:
                             kubectl -n kubeflow port-forward svc/ml-pipeline 8887:8887)
  --experiment <id>          experiment of the latest-version sample (in --namespace)
  --pipeline <id>            pipeline of the latest-version sample; without both, that sample is skipped`;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Parses the command line.
 *
 * @param isTty - whether stdout is a terminal (the live view needs one)
 * @returns the options, or `null` for `--help`
 * @throws StackOptionError naming the option at fault
 */
export function parseOptions(argv: readonly string[], isTty: boolean): StackOptions | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      // `pnpm start -- --flag` passes the `--` on.
      args: argv[0] === '--' ? argv.slice(1) : [...argv],
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        duration: { type: 'string' },
        plain: { type: 'boolean' },
        namespace: { type: 'string', default: 'team-a' },
        'controller-namespace': { type: 'string', default: 'kubeflow' },
        kubeconfig: { type: 'string' },
        kfp: { type: 'string', default: '127.0.0.1:8887' },
        experiment: { type: 'string' },
        pipeline: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new StackOptionError('command line', (error as Error).message);
  }
  if (values.help) return null;
  const duration = values.duration === undefined ? null : Number(values.duration);
  if (duration !== null && !(Number.isFinite(duration) && duration > 0)) {
    throw new StackOptionError('--duration', 'must be a number of seconds above 0');
  }
  for (const option of ['namespace', 'controller-namespace'] as const) {
    if (!DNS1123_LABEL.test(values[option] as string)) {
      throw new StackOptionError(`--${option}`, 'must be a DNS-1123 label');
    }
  }
  if (!/^[^:]+:\d{1,5}$/.test(values.kfp as string)) {
    throw new StackOptionError('--kfp', 'must be host:port');
  }
  return {
    kubeconfig: (values.kubeconfig as string | undefined) ?? null,
    durationSeconds: duration,
    plain: values.plain === true || !isTty,
    namespace: values.namespace as string,
    controllerNamespace: values['controller-namespace'] as string,
    kfpAddress: values.kfp as string,
    experimentId: (values.experiment as string | undefined) ?? null,
    pipelineId: (values.pipeline as string | undefined) ?? null,
  };
}
