import { CoreV1Api, CustomObjectsApi, type KubeConfig, loadAllYaml, loadYaml } from '@kubernetes/client-node';
import { applyObjects, type ControlPlane, startControlPlane } from '../../src/index.js';

let plane: ControlPlane;
let admin: KubeConfig;

beforeAll(async () => {
  plane = await startControlPlane();
  admin = plane.adminKubeConfig();
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'team-a' } } });
});

afterAll(async () => {
  await plane?.stop();
});

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

/** `plains` -> `Plain`: each CRD needs a kind of its own. */
function kindOf(plural: string): string {
  return `${plural[0]?.toUpperCase()}${plural.slice(1, -1)}`;
}

/** A CRD whose `spec` types one field and keeps every other: the shape the ScheduledWorkflow CRD has. */
function preservingCrd(plural: string): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.example.com` },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural, singular: plural.slice(0, -1), kind: kindOf(plural) },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', [PRESERVE]: true, properties: { size: { type: 'integer' } } },
              },
            },
          },
        },
      ],
    },
  };
}

// Every form a caller may hold: wire form, client-node's models, and a plain copy around a model.
const FORMS: [string, string, (crd: Record<string, unknown>) => object][] = [
  ['a plain object', 'plains', (crd) => crd],
  ['a model from loadYaml', 'yamlmodels', (crd) => loadYaml(JSON.stringify(crd))],
  ['a model from loadAllYaml', 'allyamlmodels', (crd) => loadAllYaml(JSON.stringify(crd))[0]],
  ['a spread of a model', 'spreadmodels', (crd) => ({ ...(loadYaml(JSON.stringify(crd)) as object) })],
];

describe('applyObjects', () => {
  it.each(FORMS)(
    'keeps x-kubernetes-preserve-unknown-fields of a CRD given as %s, so its objects keep unknown fields',
    async (_form, plural, as) => {
      await applyObjects(admin, [as(preservingCrd(plural))]);
      const custom = admin.makeApiClient(CustomObjectsApi);
      // Read as plain JSON, not through the typed ApiextensionsV1Api, so the wire key itself is seen.
      const stored = (await custom.getClusterCustomObject({
        group: 'apiextensions.k8s.io',
        version: 'v1',
        plural: 'customresourcedefinitions',
        name: `${plural}.example.com`,
      })) as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: object } } } }[] } };
      expect(stored.spec.versions[0]?.schema.openAPIV3Schema.properties.spec).toEqual({
        type: 'object',
        [PRESERVE]: true,
        properties: { size: { type: 'integer' } },
      });

      const spec = { size: 2, addedLater: { nested: ['kept'] } };
      const resource = { group: 'example.com', version: 'v1', namespace: 'team-a', plural };
      await custom.createNamespacedCustomObject({
        ...resource,
        body: { apiVersion: 'example.com/v1', kind: kindOf(plural), metadata: { name: 'one' }, spec },
      });
      const read = (await custom.getNamespacedCustomObject({ ...resource, name: 'one' })) as { spec: object };
      expect(read.spec).toEqual(spec);
    },
  );
});
