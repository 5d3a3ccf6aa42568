/**
 * What the real KFP API server did (kubeflow/pipelines at 7b70c7b, multi-user mode, MariaDB, a real
 * kube-apiserver with KFP's RBAC), copied from its recordings. The double is held to these facts;
 * keep them as recorded and change the double, never the other way round.
 */

/** Deep-freezes a recorded object, so no test can edit a fact by accident. */
function recorded<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) recorded(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The ScheduledWorkflow `RecurringRunService.CreateRecurringRun` wrote for a recurring run that
 * always uses the pipeline's latest version (only a pipeline ID given): no workflow spec, no labels,
 * no ownerReferences, parameter values as JSON text, an empty trigger status, and `metadata.uid`
 * equal to the recurring run ID.
 */
export const RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW = recorded({
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'ScheduledWorkflow',
  metadata: {
    creationTimestamp: '2026-12-02T18:29:34Z',
    generateName: 'rr-every-10s',
    generation: 1,
    name: 'rr-every-10s5zmft',
    namespace: 'team-a',
    uid: 'a5d74d4d-b820-4558-9dd7-584f5460a901',
  },
  spec: {
    enabled: true,
    experimentId: '4ccceaca-f00e-491c-b230-44a2f8a8be51',
    maxConcurrency: 10,
    noCatchup: true,
    pipelineId: '542064ca-9adf-404e-9210-a9e852b41f4d',
    trigger: { cronSchedule: { cron: '*/10 * * * * *' } },
    workflow: { parameters: [{ name: 'text', value: '"hi from the real api server"' }] },
  },
  status: { trigger: {} },
});

/**
 * The Argo Workflow `RunService.CreateRun` created for run index 2 of
 * {@link RECORDED_LATEST_VERSION_SCHEDULED_WORKFLOW} (display name
 * `rr-every-10s5zmft-2-2822404027`), with the server's fields; the compiled pipeline is trimmed
 * from the spec, as in the recording.
 */
export const RECORDED_CREATE_RUN_WORKFLOW = recorded({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: {
    annotations: { 'pipelines.kubeflow.org/run_name': 'rr-every-10s5zmft-2-2822404027' },
    creationTimestamp: '2026-12-02T18:30:20Z',
    generateName: 'hello-world-',
    labels: {
      'pipeline/runid': 'c79ae583-8111-5080-8802-a3316ce6b721',
      'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow': 'true',
      'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'rr-every-10s5zmft',
      'scheduledworkflows.kubeflow.org/workflowEpoch': '1796236220',
      'scheduledworkflows.kubeflow.org/workflowIndex': '2',
    },
    name: 'hello-world-7ljlb',
    namespace: 'team-a',
    ownerReferences: [
      {
        apiVersion: 'kubeflow.org/v1beta1',
        blockOwnerDeletion: true,
        controller: true,
        kind: 'ScheduledWorkflow',
        name: 'rr-every-10s5zmft',
        uid: 'a5d74d4d-b820-4558-9dd7-584f5460a901',
      },
    ],
    uid: 'c424ef8e-c8c5-4888-8c14-a1675aee8760',
  },
  spec: {
    entrypoint: 'entrypoint',
    serviceAccountName: 'default-editor',
    podMetadata: {
      annotations: { 'pipelines.kubeflow.org/v2_component': 'true' },
      labels: {
        'pipeline/runid': 'c79ae583-8111-5080-8802-a3316ce6b721',
        'pipelines.kubeflow.org/v2_component': 'true',
      },
    },
  },
});

/** One recorded authentication case of `RunService.CreateRun` (experiment in namespace `team-a`). */
export interface RecordedAuthCase {
  /** What the call carried, as the recording words it. */
  readonly case: string;
  /** The gRPC status code. */
  readonly code: number;
  /** The status details (message) exactly, for a failure recorded in full. */
  readonly details?: string;
  /** The start of the status details, for a failure whose tail the recording leaves open. */
  readonly detailsStartsWith?: string;
}

const ACCESS_CONTEXT =
  'Failed to create a new run: Failed to create a run due to authorization error. Check if you have write ' +
  'permissions to namespace team-a: Failed to access run . Check if you have access to namespace team-a';
const NO_IDENTITY_HEADER = 'Request header error: there is no user identity header.';

/**
 * The gRPC code and details of each authentication case of `CreateRun`, from `create-run-auth.json`
 * (`KUBEFLOW_USERID_HEADER=kubeflow-userid`, empty prefix, TokenReview audience
 * `pipelines.kubeflow.org`). The successful cases carry no details.
 */
export const RECORDED_CREATE_RUN_AUTH_CASES: readonly RecordedAuthCase[] = recorded([
  {
    case: 'no identity key and no bearer token',
    code: 16,
    details:
      `${ACCESS_CONTEXT}: Unauthenticated: Failed to check authorization. User identity is empty in the request ` +
      `header: Unauthenticated: ${NO_IDENTITY_HEADER}: ${NO_IDENTITY_HEADER}`,
  },
  {
    case: 'identity key present (nobody@example.com) but RBAC grants no create on runs.pipelines.kubeflow.org in team-a',
    code: 7,
    details:
      `${ACCESS_CONTEXT}: PermissionDenied: User 'nobody@example.com' is not authorized with reason:  (request: ` +
      '&ResourceAttributes{Namespace:team-a,Verb:create,Group:pipelines.kubeflow.org,Version:v1beta1,' +
      'Resource:runs,Subresource:,Name:,FieldSelector:nil,LabelSelector:nil,}): Unauthorized access',
  },
  {
    case: "no identity key; bearer token of the controller's service account with the cluster's default audience (not pipelines.kubeflow.org)",
    code: 16,
    detailsStartsWith:
      `${ACCESS_CONTEXT}: Unauthenticated: Failed to check authorization. User identity is empty in the request ` +
      `header: [Unauthenticated: ${NO_IDENTITY_HEADER}: ${NO_IDENTITY_HEADER}, Authentication failure: ` +
      'Unauthenticated: Review.Status.Authenticated is false. Error [invalid bearer token, token audiences ' +
      '["https://kubernetes.default.svc.cluster.local"] is invalid for the target audiences ' +
      '["pipelines.kubeflow.org"]]: Failed to authenticate token review]',
  },
  { case: 'no identity key; bearer token with audience pipelines.kubeflow.org', code: 0 },
  {
    case: 'identity key kubeflow-userid: system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow, RBAC grants create runs',
    code: 0,
  },
]);
