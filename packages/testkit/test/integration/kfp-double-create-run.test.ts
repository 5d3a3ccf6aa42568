// The KFP API double held to every recorded fact of the real KFP API server
// (kubeflow/pipelines 7b70c7b, multi-user mode), against a real kube-apiserver.
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import {
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { CreateRunRequest, type Run, RunServiceClient } from '@swf/kfp-api';
import {
  ARGO_WORKFLOW_CRD,
  ARGO_WORKFLOWS,
  applyObjects,
  type ControlPlane,
  installKfpApiServerIdentity,
  KFP_API_SERVER_IDENTITY,
  KfpApiDouble,
  KubeAccessReviewer,
  KubeRunCluster,
  latestVersionScheduledWorkflow,
  mintServiceAccountToken,
  RECORDED_CREATE_RUN_AUTH_CASES,
  RECORDED_CREATE_RUN_WORKFLOW,
  RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW,
  type RecordedAuthCase,
  recurringRunRunId,
  startControlPlane,
  waitFor,
} from '../../src/index.js';

const TEAM = 'team-a';
const EXPERIMENT = 'exp-a';
const CONTROLLER_SA = 'ml-pipeline-scheduledworkflow';
const CONTROLLER_IDENTITY = `system:serviceaccount:kubeflow:${CONTROLLER_SA}`;
const RECORDED_SWF = RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW;
const RECORDED_WORKFLOW = RECORDED_CREATE_RUN_WORKFLOW;
const PIPELINE_ID = RECORDED_SWF.spec.pipelineId;
const SWFS = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows' } as const;

/** Upstream's ScheduledWorkflow CRD has no schema to speak of and no status subresource; nor has this one. */
const SCHEDULED_WORKFLOW_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'scheduledworkflows.kubeflow.org' },
  spec: {
    group: 'kubeflow.org',
    scope: 'Namespaced',
    names: { plural: 'scheduledworkflows', singular: 'scheduledworkflow', kind: 'ScheduledWorkflow' },
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

const POLICY = 'workflows-only-by-ml-pipeline';
/**
 * Proof of who creates the Workflows without an audit log: the kube-apiserver itself refuses a
 * Workflow from anyone but the KFP API server's service account.
 */
const ONLY_ML_PIPELINE_CREATES_WORKFLOWS = [
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: POLICY },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ['argoproj.io'],
            apiVersions: ['*'],
            operations: ['CREATE'],
            resources: ['workflows'],
          },
        ],
      },
      validations: [
        {
          expression: `request.userInfo.username == '${KFP_API_SERVER_IDENTITY}'`,
          message: 'only the KFP API server creates Workflows',
        },
      ],
    },
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: POLICY },
    spec: { policyName: POLICY, validationActions: ['Deny'] },
  },
];

let plane: ControlPlane;
let admin: KubeConfig;
let custom: CustomObjectsApi;
let double: KfpApiDouble;
let client: RunServiceClient;

beforeAll(async () => {
  // Clusters that enforce owner-reference permissions need `update scheduledworkflows/finalizers`
  // for a blockOwnerDeletion reference; this one enforces it, so the minimal RBAC is proven enough.
  plane = await startControlPlane({ admissionPlugins: ['OwnerReferencesPermissionEnforcement'] });
  admin = plane.adminKubeConfig();
  custom = admin.makeApiClient(CustomObjectsApi);
  const core = admin.makeApiClient(CoreV1Api);
  for (const name of [TEAM, 'kubeflow']) await core.createNamespace({ body: { metadata: { name } } });
  await applyObjects(admin, [
    ARGO_WORKFLOW_CRD,
    SCHEDULED_WORKFLOW_CRD,
    ...ONLY_ML_PIPELINE_CREATES_WORKFLOWS,
  ]);
  await grantControllerRunCreation();
  const kfp = await installKfpApiServerIdentity(admin);
  await waitFor('the admission policy to refuse Workflows from others', async () =>
    (await workflowCreationRefusal(admin)) ? true : undefined,
  );
  double = await KfpApiDouble.start({
    reviewer: new KubeAccessReviewer(admin),
    experiments: { [EXPERIMENT]: TEAM },
    cluster: new KubeRunCluster(kfp.kubeConfig),
    pipelines: { [PIPELINE_ID]: 'hello-world' },
    defaultServiceAccount: 'default-editor',
  });
  client = new RunServiceClient(double.address, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await double?.close();
  await plane?.stop();
});

afterEach(() => double.setAnswerDelay(0));

/** The controller's service account may create runs in the team's namespace, as KFP's profile RBAC allows; nothing else. */
async function grantControllerRunCreation(): Promise<void> {
  await admin
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccount({ namespace: 'kubeflow', body: { metadata: { name: CONTROLLER_SA } } });
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({
    body: {
      metadata: { name: 'run-creator' },
      rules: [{ apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['create'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: TEAM,
    body: {
      metadata: { name: 'controller-runs' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'run-creator' },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_SA, namespace: 'kubeflow' }],
    },
  });
}

/** The admission policy's refusal of a Workflow `kubeConfig`'s user creates (dry run), or null when admitted. */
async function workflowCreationRefusal(kubeConfig: KubeConfig): Promise<string | null> {
  const body = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'probe-' } };
  return kubeConfig
    .makeApiClient(CustomObjectsApi)
    .createNamespacedCustomObject({ ...ARGO_WORKFLOWS, namespace: TEAM, body, dryRun: 'All' })
    .then(
      () => null,
      (error: { body?: unknown }) => {
        const text = String(error.body ?? error);
        return text.includes(POLICY) ? text : null;
      },
    );
}

/** The controller's NextResourceName: `<name>-<index>-<FNV-32a of "<name>-<index>">`. */
function runName(swfName: string, index: number): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${swfName}-${index}`)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `${swfName}-${index}-${hash}`;
}

interface ScheduledWorkflow {
  metadata: { name: string; uid: string };
}

/**
 * Creates a latest-version ScheduledWorkflow as the KFP API server writes it, optionally with a run
 * index, and gives it the job row KFP writes with it in `doubles` (none: a resource made directly).
 */
async function createScheduledWorkflow(
  name: string,
  lastWorkflowIndex?: number,
  doubles: readonly KfpApiDouble[] = [double],
): Promise<ScheduledWorkflow> {
  const body = latestVersionScheduledWorkflow({
    name,
    namespace: TEAM,
    experimentId: EXPERIMENT,
    pipelineId: PIPELINE_ID,
    cron: '*/10 * * * * *',
    parameters: { text: 'hi from the double' },
  });
  const created = (await custom.createNamespacedCustomObject({
    ...SWFS,
    namespace: TEAM,
    body,
  })) as ScheduledWorkflow;
  if (lastWorkflowIndex !== undefined) {
    await custom.patchNamespacedCustomObject(
      { ...SWFS, namespace: TEAM, name, body: { status: { trigger: { lastWorkflowIndex } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
  for (const made of doubles) made.addRecurringRun({ metadata: { ...created.metadata, namespace: TEAM } });
  return created;
}

interface CallOptions {
  readonly metadata?: Record<string, string>;
  readonly recurringRunId: string;
  readonly deadlineMs?: number;
  /** @default the client of the double every test shares */
  readonly via?: RunServiceClient;
}

/** `CreateRun` as the controller sends it; by default with the controller's identity key. */
function createRun(displayName: string, options: CallOptions): Promise<Run> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? { 'kubeflow-userid': CONTROLLER_IDENTITY })) {
    metadata.set(key, value);
  }
  const request = CreateRunRequest.fromPartial({
    experimentId: EXPERIMENT,
    run: {
      experimentId: EXPERIMENT,
      displayName,
      recurringRunId: options.recurringRunId,
      pipelineVersionReference: { pipelineId: PIPELINE_ID, pipelineVersionId: '' },
      runtimeConfig: { parameters: { text: 'hi from the double' }, pipelineRoot: '' },
    },
  });
  const callOptions = options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
  return new Promise((resolve, reject) =>
    (options.via ?? client).createRun(
      request,
      metadata,
      callOptions,
      (error: ServiceError | null, run?: Run) => (error ? reject(error) : resolve(run as Run)),
    ),
  );
}

function failureOf(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: ServiceError) => error,
  );
}

interface WorkflowObject {
  metadata: {
    name: string;
    generateName?: string;
    creationTimestamp: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences?: unknown[];
  };
  spec: Record<string, unknown>;
}

/** The Workflows in the team's namespace labelled with a run ID. */
async function workflowsOfRun(runId: string): Promise<WorkflowObject[]> {
  const list = (await custom.listNamespacedCustomObject({
    ...ARGO_WORKFLOWS,
    namespace: TEAM,
    labelSelector: `pipeline/runid=${runId}`,
  })) as { items: WorkflowObject[] };
  return list.items;
}

describe('CreateRun with the Kubernetes side, against a real kube-apiserver', () => {
  it('creates an Argo Workflow shaped as the recorded one, owned by the ScheduledWorkflow', async () => {
    const swf = await createScheduledWorkflow(RECORDED_SWF.metadata.name, 1);
    const displayName = RECORDED_WORKFLOW.metadata.annotations['pipelines.kubeflow.org/run_name'];
    const before = Math.floor(Date.now() / 1000);
    const run = await createRun(displayName, { recurringRunId: swf.metadata.uid });
    const after = Math.floor(Date.now() / 1000);

    const [workflow, ...others] = await workflowsOfRun(run.runId);
    expect(others).toEqual([]);
    const { metadata, spec } = workflow as WorkflowObject;
    const recorded = RECORDED_WORKFLOW.metadata;
    expect(run.runId).toBe(recurringRunRunId(swf.metadata.uid, displayName));
    expect(metadata.generateName).toBe(recorded.generateName);
    expect(metadata.name).toMatch(/^hello-world-[a-z0-9]{5}$/);
    expect(Object.keys(metadata.labels).sort()).toEqual(Object.keys(recorded.labels).sort());
    const epoch = Number(metadata.labels['scheduledworkflows.kubeflow.org/workflowEpoch']);
    expect(metadata.labels).toEqual({
      ...recorded.labels,
      'pipeline/runid': run.runId,
      'scheduledworkflows.kubeflow.org/workflowEpoch': String(epoch),
    });
    expect(epoch).toBeGreaterThanOrEqual(before);
    expect(epoch).toBeLessThanOrEqual(after);
    expect(metadata.annotations).toEqual(recorded.annotations);
    expect(metadata.ownerReferences).toEqual([{ ...recorded.ownerReferences[0], uid: swf.metadata.uid }]);
    expect(spec).toMatchObject({
      ...RECORDED_WORKFLOW.spec,
      podMetadata: {
        ...RECORDED_WORKFLOW.spec.podMetadata,
        labels: { ...RECORDED_WORKFLOW.spec.podMetadata.labels, 'pipeline/runid': run.runId },
      },
    });
    expect(double.calls.at(-1)).toMatchObject({ outcome: 'created', workflow: metadata.name });
  });

  it.each<[string, number | undefined, string]>([
    ['the empty trigger status KFP writes', undefined, '1'],
    ['lastWorkflowIndex 6', 6, '7'],
  ])('labels the Workflow with the next index after %s', async (_name, lastIndex, expected) => {
    const swf = await createScheduledWorkflow(`indexed-${expected}`, lastIndex);
    const run = await createRun(runName(swf.metadata.name, Number(expected)), {
      recurringRunId: swf.metadata.uid,
    });

    const [workflow] = await workflowsOfRun(run.runId);
    expect(workflow?.metadata.labels['scheduledworkflows.kubeflow.org/workflowIndex']).toBe(expected);
  });

  it('creates the Workflow as the KFP API server, which the caller could not do', async () => {
    const reviews = admin.makeApiClient(AuthorizationV1Api);
    const mayCreateWorkflows = async (user: string) =>
      (
        await reviews.createSubjectAccessReview({
          body: {
            spec: {
              user,
              resourceAttributes: {
                namespace: TEAM,
                verb: 'create',
                group: 'argoproj.io',
                resource: 'workflows',
              },
            },
          },
        })
      ).status?.allowed === true;
    expect(await mayCreateWorkflows(CONTROLLER_IDENTITY)).toBe(false);
    expect(await mayCreateWorkflows(KFP_API_SERVER_IDENTITY)).toBe(true);
    expect(await workflowCreationRefusal(admin)).toContain('only the KFP API server creates Workflows');

    const swf = await createScheduledWorkflow('created-by-ml-pipeline');
    const run = await createRun(runName(swf.metadata.name, 1), { recurringRunId: swf.metadata.uid });

    expect(await workflowsOfRun(run.runId)).toHaveLength(1);
  });

  it('returns the first run to a repeat sent after the answer, and creates nothing more', async () => {
    const swf = await createScheduledWorkflow('repeated');
    const name = runName(swf.metadata.name, 1);
    const first = await createRun(name, { recurringRunId: swf.metadata.uid });
    const repeat = await createRun(name, { recurringRunId: swf.metadata.uid });

    expect(repeat).toEqual(first);
    expect(await workflowsOfRun(first.runId)).toHaveLength(1);
    expect(double.calls.at(-1)).toMatchObject({ outcome: 'deduplicated', workflow: null });
  });

  it('answers five identical calls in flight at once with one run, and leaves five Workflows', async () => {
    const swf = await createScheduledWorkflow('raced');
    const name = runName(swf.metadata.name, 1);
    double.setAnswerDelay(1_500);
    const callsBefore = double.calls.length;
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => createRun(name, { recurringRunId: swf.metadata.uid })),
    );

    const runId = recurringRunRunId(swf.metadata.uid, name);
    expect(runs.map((run) => run.runId)).toEqual(Array(5).fill(runId));
    const workflows = await workflowsOfRun(runId);
    expect(new Set(workflows.map((w) => w.metadata.name)).size).toBe(5);
    expect(double.runs().filter((run) => run.runId === runId)).toHaveLength(1);
    const calls = double.calls.slice(callsBefore);
    expect(calls.map((call) => call.outcome).sort()).toEqual(['created', ...Array(4).fill('deduplicated')]);
    expect(calls.map((call) => call.workflow).sort()).toEqual(workflows.map((w) => w.metadata.name).sort());
  });

  it('holds a slow answer past the client deadline, then stores the run all the same', async () => {
    const swf = await createScheduledWorkflow('slow');
    const name = runName(swf.metadata.name, 1);
    const runId = recurringRunRunId(swf.metadata.uid, name);
    double.setAnswerDelay(3_000);
    const callsBefore = double.calls.length;
    const started = performance.now();

    const error = await failureOf(createRun(name, { recurringRunId: swf.metadata.uid, deadlineMs: 1_000 }));

    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(await workflowsOfRun(runId)).toHaveLength(1);
    expect(double.runs().some((run) => run.runId === runId)).toBe(false);
    const [held] = (await double.waitForCalls(callsBefore + 1, 10_000)).slice(callsBefore);
    expect(held).toMatchObject({ outcome: 'created' });
    expect(double.runs().some((run) => run.runId === runId)).toBe(true);

    double.setAnswerDelay(0);
    const retry = await createRun(name, { recurringRunId: swf.metadata.uid });
    expect(retry.runId).toBe(runId);
    expect(await workflowsOfRun(runId)).toHaveLength(1);
  });

  it('answers INTERNAL to a ScheduledWorkflow created directly, not through KFP, creating nothing', async () => {
    const direct = await createScheduledWorkflow('stranger', undefined, []);
    const recurringRunId = direct.metadata.uid;
    const name = runName('stranger', 1);

    const error = await failureOf(createRun(name, { recurringRunId }));

    expect({ code: error.code, details: error.details }).toEqual({
      code: status.INTERNAL,
      details:
        'Failed to create a new run: InternalServerError: Failed to create a run due to invalid recurring run id: ' +
        `Invalid input error: RecurringRunId doesn't exist: ${recurringRunId}`,
    });
    expect(await workflowsOfRun(recurringRunRunId(recurringRunId, name))).toEqual([]);
  });
  it("answers INTERNAL with the kube-apiserver's own words when it refuses the Workflow", async () => {
    // As any identity but ml-pipeline, which the admission policy refuses.
    const asAdmin = await KfpApiDouble.start({
      reviewer: new KubeAccessReviewer(admin),
      experiments: { [EXPERIMENT]: TEAM },
      pipelines: { [PIPELINE_ID]: 'hello-world' },
      cluster: new KubeRunCluster(admin),
    });
    const adminClient = new RunServiceClient(asAdmin.address, credentials.createInsecure());
    try {
      const swf = await createScheduledWorkflow('refused', undefined, [asAdmin]);
      const error = await failureOf(
        createRun(runName(swf.metadata.name, 1), { recurringRunId: swf.metadata.uid, via: adminClient }),
      );

      expect(error.code).toBe(status.INTERNAL);
      expect(error.details).toMatch(
        /^Failed to create a new run: InternalServerError: Failed to create a workflow for \(\): workflows\.argoproj\.io "[a-z0-9-]+" is forbidden: ValidatingAdmissionPolicy '.*' denied request: only the KFP API server creates Workflows$/,
      );
      expect(asAdmin.runs()).toEqual([]);
    } finally {
      adminClient.close();
      await asAdmin.close();
    }
  });
});

describe('the recorded authentication cases', () => {
  let swf: ScheduledWorkflow;
  const [none, denied, defaultAudience, pipelinesAudience, identityKey] = RECORDED_CREATE_RUN_AUTH_CASES;
  const metadataFor = new Map<RecordedAuthCase | undefined, () => Promise<Record<string, string>>>([
    [none, async () => ({})],
    [denied, async () => ({ 'kubeflow-userid': 'nobody@example.com' })],
    [defaultAudience, async () => ({ authorization: `Bearer ${await controllerToken()}` })],
    [
      pipelinesAudience,
      async () => ({ authorization: `Bearer ${await controllerToken(['pipelines.kubeflow.org'])}` }),
    ],
    [identityKey, async () => ({ 'kubeflow-userid': CONTROLLER_IDENTITY })],
  ]);

  function controllerToken(audiences?: string[]): Promise<string> {
    return mintServiceAccountToken(admin, 'kubeflow', CONTROLLER_SA, audiences ? { audiences } : {});
  }

  beforeAll(async () => {
    swf = await createScheduledWorkflow('auth-cases');
  });

  it.each(RECORDED_CREATE_RUN_AUTH_CASES.map((c, i) => [c.case, c, i + 1] as const))(
    '%s',
    async (_name, recorded, index) => {
      const metadata = await (metadataFor.get(recorded) as () => Promise<Record<string, string>>)();
      const name = runName(swf.metadata.name, index);
      const outcome = await createRun(name, { metadata, recurringRunId: swf.metadata.uid }).then(
        () => ({ code: status.OK, details: '' }),
        (error: ServiceError) => ({ code: error.code, details: error.details }),
      );

      expect(outcome.code).toBe(recorded.code);
      if (recorded.details !== undefined) expect(outcome.details).toBe(recorded.details);
      if (recorded.detailsStartsWith !== undefined) {
        expect(outcome.details.slice(0, recorded.detailsStartsWith.length)).toBe(recorded.detailsStartsWith);
      }
      const workflows = await workflowsOfRun(recurringRunRunId(swf.metadata.uid, name));
      expect(workflows.map((w) => w.metadata.ownerReferences)).toEqual(
        recorded.code === status.OK ? [[expect.objectContaining({ uid: swf.metadata.uid })]] : [],
      );
    },
  );
});
