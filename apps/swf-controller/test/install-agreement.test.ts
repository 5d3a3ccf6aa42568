import { SETTING_ENV_VARS, settingSpec } from '@swf/contract';
import {
  type KubeObject,
  layerObjects,
  multiUserEnv,
  resolveManifestProps,
  synthBase,
  synthMultiUser,
} from '@swf/manifests';
import { KFP_API_PERMISSIONS } from '../src/kfp/run-client.js';
import { KUBE_API_PERMISSIONS, type KubePermission } from '../src/kube/kube-api.js';

// What the generated install and the controller must agree on, where no shared constant can make
// them agree by construction: the env vars the Deployment sets, the token file it mounts, and the
// permissions its RBAC grants against the calls the controller makes.

interface EnvVar {
  name: string;
  value?: string;
}
interface Container {
  env?: EnvVar[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const base = layerObjects(synthBase());
const multiUser = layerObjects(synthMultiUser());

function only(objects: KubeObject[], kind: string): Record<string, unknown> {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as unknown as Record<string, unknown>;
}

function podSpec(deployment: Record<string, unknown>) {
  return (deployment as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec as {
    containers: Container[];
    volumes?: Array<{
      name: string;
      projected?: { sources: Array<{ serviceAccountToken?: { path: string } }> };
    }>;
  };
}

function rulesOf(object: Record<string, unknown>): Rule[] {
  return (object as { rules: Rule[] }).rules;
}

function grants(rules: Rule[], permission: KubePermission, verb: string): boolean {
  return rules.some(
    (rule) =>
      rule.apiGroups.includes(permission.group) &&
      rule.resources.includes(permission.resource) &&
      rule.verbs.includes(verb),
  );
}

// The KFP API server's reviews of the controller's calls count as calls: RBAC decides them too.
const permissions: KubePermission[] = [
  ...Object.values(KUBE_API_PERMISSIONS).flat(),
  ...Object.values(KFP_API_PERMISSIONS),
];

describe('the install and the controller', () => {
  it("set only env vars the controller reads, and vars that feed another's $(...) expansion", () => {
    const baseEnv = podSpec(only(base, 'Deployment')).containers[0]?.env ?? [];
    const patchEnv = multiUserEnv(resolveManifestProps({})) as unknown as EnvVar[];
    const all = [...baseEnv, ...patchEnv];
    expect(all.length).toBeGreaterThan(5);
    const expanded = new Set(
      all.flatMap((e) => [...(e.value ?? '').matchAll(/\$\(([A-Z0-9_]+)\)/g)].map((m) => m[1])),
    );
    const unknown = all
      .map((e) => e.name)
      .filter((name) => !SETTING_ENV_VARS.includes(name) && !expanded.has(name));
    expect(unknown).toEqual([]);
  });

  it('mount the projected token where --apiTokenFile looks for it by default', () => {
    const spec = podSpec(only(base, 'Deployment'));
    const mount = spec.containers[0]?.volumeMounts?.find((m) => m.name === spec.volumes?.[0]?.name);
    const file = spec.volumes?.[0]?.projected?.sources[0]?.serviceAccountToken?.path;
    expect(`${mount?.mountPath}/${file}`).toBe(settingSpec('apiTokenFile').default);
  });

  it.each(
    permissions.flatMap((p) =>
      p.verbs.map((verb) => [`${verb} ${p.resource}${p.group ? `.${p.group}` : ''}`, p, verb] as const),
    ),
  )('grant every call the controller makes: %s', (_, permission, verb) => {
    const role = rulesOf(only(base, 'Role'));
    const clusterRole = rulesOf(only(multiUser, 'ClusterRole'));
    // The base install's namespaced Role serves a single namespace; the multi-user ClusterRole serves
    // every namespace, and the Lease stays in the controller's own namespace, under the Role.
    expect(grants(role, permission, verb)).toBe(true);
    if (permission.group !== 'coordination.k8s.io') expect(grants(clusterRole, permission, verb)).toBe(true);
  });
});
