/** One `env` entry of a container, as a manifest spells it. */
export interface EnvEntry {
  readonly name: string;
  readonly value?: string | null;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly [source: string]: unknown;
  } | null;
}

/** What the kubelet would read the env's references from. */
export interface PodEnvSources {
  /** Values of `fieldRef` paths (`metadata.namespace`, `spec.serviceAccountName`, ...). */
  readonly fields: Readonly<Record<string, string>>;
  /** ConfigMaps by name; an absent map is a missing ConfigMap. */
  readonly configMaps: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** An env entry the kubelet could not resolve either, or one this resolver does not know. */
export class PodEnvError extends Error {
  /** The env var at fault. */
  readonly variable: string;
  readonly rule: string;
  override readonly name = 'PodEnvError';

  constructor(variable: string, rule: string) {
    super(`env ${variable}: ${rule}`);
    this.variable = variable;
    this.rule = rule;
  }
}

/**
 * Applies a strategic-merge patch's `env` to a container's, as kustomize does: entries merge by
 * name (a `null` field deletes it); the patch's entries come first, in patch order, then the base
 * entries the patch does not name.
 */
export function mergeEnv(base: readonly EnvEntry[], patch: readonly EnvEntry[]): EnvEntry[] {
  const patched = patch.map((entry) => {
    const merged: Record<string, unknown> = { ...base.find((b) => b.name === entry.name), ...entry };
    for (const [field, value] of Object.entries(merged)) if (value === null) delete merged[field];
    return merged as unknown as EnvEntry;
  });
  const named = new Set(patch.map((entry) => entry.name));
  return [...patched, ...base.filter((entry) => !named.has(entry.name))];
}

// `$(NAME)` refers to an entry listed before; `$$` is a literal `$`.
const REFERENCE = /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g;

/**
 * The environment a container with `entries` gets, as the kubelet builds it: `$(NAME)` expands
 * from entries before it (unknown names stay as written), `fieldRef` and `configMapKeyRef` read
 * from `sources`, and an optional reference to a missing key leaves the variable unset.
 *
 * @throws PodEnvError for a required key or ConfigMap that is missing, or a source other than
 * `fieldRef` and `configMapKeyRef`
 */
export function resolveEnv(entries: readonly EnvEntry[], sources: PodEnvSources): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const value = entryValue(entry, env, sources);
    if (value !== undefined) env[entry.name] = value;
  }
  return env;
}

function entryValue(
  entry: EnvEntry,
  env: Readonly<Record<string, string>>,
  sources: PodEnvSources,
): string | undefined {
  const from = entry.valueFrom;
  if (!from) {
    return (entry.value ?? '').replace(REFERENCE, (whole, name: string | undefined) =>
      name === undefined ? '$' : (env[name] ?? whole),
    );
  }
  if (from.fieldRef) {
    const value = sources.fields[from.fieldRef.fieldPath];
    if (value === undefined) throw new PodEnvError(entry.name, `unknown fieldRef ${from.fieldRef.fieldPath}`);
    return value;
  }
  if (from.configMapKeyRef) {
    const { name, key, optional } = from.configMapKeyRef;
    const value = sources.configMaps[name]?.[key];
    if (value === undefined && !optional) {
      throw new PodEnvError(
        entry.name,
        `ConfigMap ${name} has no key ${key}, and the reference is not optional`,
      );
    }
    return value;
  }
  throw new PodEnvError(entry.name, `unsupported valueFrom (${Object.keys(from).join(', ')})`);
}
