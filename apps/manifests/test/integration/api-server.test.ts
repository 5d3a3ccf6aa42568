import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { applyObjects, type ControlPlane, startControlPlane, toClientModel } from '@swf/testkit';
import { parse, parseAllDocuments } from 'yaml';
import { kustomizeBuild } from '../../src/kustomize.js';
import { writeDist } from '../../src/write.js';
import { API_SERVER_OBJECTS, CONTROLLER_STATUS } from '../fixtures/api-server-objects.js';
import { UPSTREAM_INVALID_SAMPLE, UPSTREAM_SAMPLES } from '../fixtures/upstream-samples.js';

// The first run builds kustomize from Go modules; the control plane takes seconds.
const SETUP_TIMEOUT_MS = 15 * 60_000;
const SWF = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows', namespace: 'team-a' };

let plane: ControlPlane;
let admin: KubeConfig;
let rendered: KubernetesObject[];
let dist: string;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'swf-manifests-apply-'));
  await writeDist({}, dist);
  rendered = parseAllDocuments(await kustomizeBuild(join(dist, 'overlays', 'multi-user'))).map(
    (doc) => doc.toJS() as KubernetesObject,
  );
  plane = await startControlPlane();
  admin = plane.adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  for (const name of ['kubeflow', 'team-a']) await core.createNamespace({ body: { metadata: { name } } });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await plane?.stop();
  await rm(dist, { recursive: true, force: true });
});

describe('the rendered multi-user install against a real kube-apiserver', () => {
  it('passes a server-side dry-run for every object', async () => {
    const objects = admin.makeApiClient(KubernetesObjectApi);
    const accepted: string[] = [];
    for (const obj of rendered) {
      await objects.create(toClientModel(obj), undefined, 'All');
      accepted.push(`${obj.kind}/${obj.metadata?.name}`);
    }
    expect(accepted).toHaveLength(rendered.length);
    expect(accepted).toContain('Deployment/ml-pipeline-scheduledworkflow');
  });

  describe('with the CRD applied', () => {
    beforeAll(async () => {
      const crd = rendered.find((o) => o.kind === 'CustomResourceDefinition') as KubernetesObject;
      await applyObjects(admin, [crd]);
    });

    it.each(Object.entries(UPSTREAM_SAMPLES))(
      'accepts the upstream sample %s and keeps its fields',
      async (_file, yaml) => {
        const body = parse(yaml) as { metadata: { name: string }; spec: Record<string, unknown> };
        const custom = admin.makeApiClient(CustomObjectsApi);
        const created = (await custom.createNamespacedCustomObject({ ...SWF, body })) as { spec: unknown };
        expect(created.spec).toEqual(body.spec);
      },
    );

    it.each(Object.entries(API_SERVER_OBJECTS))(
      'accepts what the KFP API server writes: %s',
      async (name, obj) => {
        const custom = admin.makeApiClient(CustomObjectsApi);
        const body = {
          ...(obj as object),
          metadata: {
            ...((obj as { metadata?: object }).metadata ?? {}),
            name: `api-${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`,
          },
        };
        await expect(custom.createNamespacedCustomObject({ ...SWF, body })).resolves.toBeDefined();
      },
    );

    it('accepts the status the controller writes, nulls included', async () => {
      const custom = admin.makeApiClient(CustomObjectsApi);
      const body = parse(UPSTREAM_SAMPLES['every-minute-cron.yaml'] as string) as {
        metadata: { name: string };
      };
      body.metadata.name = 'with-status';
      const created = (await custom.createNamespacedCustomObject({ ...SWF, body })) as object;
      const replaced = (await custom.replaceNamespacedCustomObject({
        ...SWF,
        name: 'with-status',
        body: { ...created, status: CONTROLLER_STATUS },
      })) as { status: typeof CONTROLLER_STATUS };
      expect(replaced.status.trigger).toEqual(CONTROLLER_STATUS.trigger);
      expect(replaced.status.workflowHistory.active[0]?.name).toBe('hello-world-2-1234567890');
    });

    it('keeps fields the schema does not name, under spec and status and below them', async () => {
      const custom = admin.makeApiClient(CustomObjectsApi);
      const body = parse(UPSTREAM_SAMPLES['every-minute-cron.yaml'] as string);
      body.metadata.name = 'newer-fields';
      body.spec.someNewField = { nested: ['a', 1], flag: true };
      body.spec.trigger.someNewField = 'kept';
      body.status = {
        ...CONTROLLER_STATUS,
        someNewField: { count: 3 },
        trigger: { ...CONTROLLER_STATUS.trigger, someNewField: '2024-01-01T00:00:00Z' },
      };
      await custom.createNamespacedCustomObject({ ...SWF, body });
      const read = (await custom.getNamespacedCustomObject({ ...SWF, name: 'newer-fields' })) as typeof body;
      expect(read.spec).toEqual(body.spec);
      expect(read.status).toEqual(body.status);
    });

    it.each([
      [
        'spec.trigger.periodicSchedule.intervalSecond',
        { trigger: { periodicSchedule: { intervalSecond: '60' } } },
        {},
      ],
      ['status.trigger.lastWorkflowIndex', {}, { trigger: { lastWorkflowIndex: 'two' } }],
    ])(
      'still rejects a known field of the wrong type, next to unknown ones: %s',
      async (path, spec, status) => {
        const custom = admin.makeApiClient(CustomObjectsApi);
        const body = {
          apiVersion: 'kubeflow.org/v1beta1',
          kind: 'ScheduledWorkflow',
          metadata: { name: 'wrong-type' },
          spec: { ...spec, someNewField: 'x' },
          status: { ...status, someNewField: 'x' },
        };
        const error = await custom.createNamespacedCustomObject({ ...SWF, body }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 422 });
        expect(String((error as { body?: unknown }).body)).toContain(path);
      },
    );

    it("rejects upstream's invalid sample, naming the field", async () => {
      const custom = admin.makeApiClient(CustomObjectsApi);
      const error = await custom
        .createNamespacedCustomObject({ ...SWF, body: parse(UPSTREAM_INVALID_SAMPLE) })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 422 });
      expect(String((error as { body?: unknown }).body)).toContain('spec.maxHistory');
    });
  });
});
