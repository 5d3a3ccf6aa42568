/**
 * What users run, read from the sources that define it rather than typed again: the client limits
 * and `NODE_OPTIONS` of the generated Deployment (`@swf/manifests`), and the node flags of the
 * image's entrypoint (`apps/image/Containerfile`).
 */
import { type KubeObject, layerObjects, type ManifestLayer, synthBase, synthMultiUser } from '@swf/manifests';
import type { ClientLimits } from './args.js';

/** A setting the install should define is missing or unreadable. */
export class InstallDefaultsError extends Error {
  /** Where the setting was looked for, e.g. `Deployment env CLIENT_QPS`. */
  readonly setting: string;
  /** What is wrong with it. */
  readonly rule: string;
  override readonly name = 'InstallDefaultsError';

  constructor(setting: string, rule: string) {
    super(`${setting}: ${rule}`);
    this.setting = setting;
    this.rule = rule;
  }
}

/** The env vars of the Deployment's container that set the client limits and node's options. */
const QPS_ENV = 'CLIENT_QPS';
const BURST_ENV = 'CLIENT_BURST';
const NODE_OPTIONS_ENV = 'NODE_OPTIONS';

/** How node runs the controller in the image and the Deployment. */
export interface NodeInvocation {
  /** Flags between node and the script in the image's `ENTRYPOINT`. */
  readonly flags: readonly string[];
  /** `NODE_OPTIONS` of the Deployment, else of the image's `ENV`; empty for none. */
  readonly nodeOptions: string;
}

/** The install's defaults the benchmark runs the controller with. */
export interface InstallDefaults {
  readonly clientLimits: ClientLimits;
  /** `NODE_OPTIONS` the Deployment sets, or null. */
  readonly nodeOptions: string | null;
}

interface EnvVar {
  readonly name?: string;
  readonly value?: string;
}

interface DeploymentShape {
  readonly spec?: { readonly template?: { readonly spec?: { readonly containers?: { env?: EnvVar[] }[] } } };
}

/**
 * Literal env values of the first container of the Deployment among `objects`, in order; later
 * entries (a patch's) replace earlier ones of the same name. Values from `valueFrom` are left out.
 */
export function deploymentEnv(objects: readonly KubeObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const object of objects) {
    if (object.kind !== 'Deployment') continue;
    const container = (object as DeploymentShape).spec?.template?.spec?.containers?.[0];
    for (const entry of container?.env ?? []) {
      if (entry.name === undefined) continue;
      if (entry.value === undefined) delete env[entry.name];
      else env[entry.name] = entry.value;
    }
  }
  return env;
}

/**
 * The client limits and `NODE_OPTIONS` of a Deployment's env.
 *
 * @throws InstallDefaultsError when `CLIENT_QPS` or `CLIENT_BURST` is missing or not a positive number.
 */
export function installDefaultsOf(env: Readonly<Record<string, string>>): InstallDefaults {
  const positive = (name: string): number => {
    const text = env[name];
    const value = Number(text);
    if (text === undefined) throw new InstallDefaultsError(`Deployment env ${name}`, 'is not set');
    if (!(value > 0))
      throw new InstallDefaultsError(`Deployment env ${name}`, `is not a positive number: "${text}"`);
    return value;
  };
  return {
    clientLimits: { qps: positive(QPS_ENV), burst: positive(BURST_ENV) },
    nodeOptions: env[NODE_OPTIONS_ENV] ?? null,
  };
}

/** The Deployment the benchmark's install stands for: the base, patched by the multi-user overlay. */
function installDeploymentObjects(): KubeObject[] {
  const patches = (layer: ManifestLayer) => layer.patches.flatMap((file) => file.objects);
  return [...layerObjects(synthBase(), 'Deployment'), ...patches(synthMultiUser())];
}

/**
 * The generated install's defaults (`synthBase()` with the multi-user overlay's patch).
 *
 * @throws InstallDefaultsError when the Deployment does not set the client limits.
 */
export function installDefaults(): InstallDefaults {
  return installDefaultsOf(deploymentEnv(installDeploymentObjects()));
}

/** `ENTRYPOINT ["...", ...]` (the exec form; the shell form runs a shell, which the image has not). */
const ENTRYPOINT_LINE = /^ENTRYPOINT\s+(\[.*\])\s*$/m;
/** `ENV NODE_OPTIONS=...` or `ENV NODE_OPTIONS ...`, quoted or not. */
const ENV_NODE_OPTIONS_LINE = /^ENV\s+NODE_OPTIONS(?:=|\s+)(?:"([^"]*)"|(\S*))/m;
/** A script node runs: the first argument that is not a flag. */
const SCRIPT_ARGUMENT = /^[^-]/;

/**
 * How a Containerfile runs node: the flags its `ENTRYPOINT` puts between node and the script, and
 * its `ENV NODE_OPTIONS`.
 *
 * @throws InstallDefaultsError when there is no exec-form `ENTRYPOINT` running node with a script.
 */
export function imageNodeInvocation(containerfile: string): NodeInvocation {
  const line = ENTRYPOINT_LINE.exec(containerfile);
  if (!line) throw new InstallDefaultsError('Containerfile ENTRYPOINT', 'has no exec form ["node", ...]');
  const argv = execForm(line[1] as string);
  if (!/(^|\/)node$/.test(argv[0] ?? '')) {
    throw new InstallDefaultsError('Containerfile ENTRYPOINT', `does not run node: ${line[1]}`);
  }
  const script = argv.findIndex((arg, index) => index > 0 && SCRIPT_ARGUMENT.test(arg));
  if (script === -1)
    throw new InstallDefaultsError('Containerfile ENTRYPOINT', `names no script: ${line[1]}`);
  const env = ENV_NODE_OPTIONS_LINE.exec(containerfile);
  return { flags: argv.slice(1, script), nodeOptions: env ? (env[1] ?? env[2] ?? '') : '' };
}

/** The strings of an exec-form JSON array; none when it is not one. */
function execForm(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(parsed) && parsed.every((arg) => typeof arg === 'string') ? parsed : [];
}

/** The image's node invocation with the Deployment's `NODE_OPTIONS`, which replaces the image's. */
export function deployedNodeInvocation(image: NodeInvocation, install: InstallDefaults): NodeInvocation {
  return { flags: image.flags, nodeOptions: install.nodeOptions ?? image.nodeOptions };
}
