/**
 * The structural OpenAPI v3 schema of `ScheduledWorkflow` `v1beta1`, field for field from KFP's Go
 * types (`backend/src/crd/pkg/apis/scheduledworkflow/v1beta1/types.go`).
 *
 * Upstream's CRD types neither `spec` nor `status` (both are opaque objects that keep every field).
 * This one types them, so the API server rejects a known field with the wrong type and
 * `kubectl explain` describes them, with two open places: `spec.workflow.spec` (an Argo
 * WorkflowSpec, a whole Workflow, or the JSON string the KFP API server writes) and the values of
 * `spec.pluginsInput` (raw JSON per plugin).
 *
 * Unlike a plain structural schema it prunes nothing under `spec` and `status`, as upstream's opaque
 * one does not: see {@link object}.
 */

/** The subset of `apiextensions.k8s.io/v1` `JSONSchemaProps` a structural schema uses here. */
export interface StructuralSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: 'int64' | 'date-time';
  readonly description?: string;
  readonly properties?: Readonly<Record<string, StructuralSchema>>;
  readonly additionalProperties?: StructuralSchema;
  readonly items?: StructuralSchema;
  readonly required?: readonly string[];
  readonly nullable?: boolean;
  /** The API server refuses `false` ("must be true or undefined"), so the type does too. */
  readonly 'x-kubernetes-preserve-unknown-fields'?: true;
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

const STRING: StructuralSchema = { type: 'string' };
const BOOLEAN: StructuralSchema = { type: 'boolean' };
const INT64: StructuralSchema = { type: 'integer', format: 'int64' };
const TIME: StructuralSchema = { type: 'string', format: 'date-time' };
// `metav1.Time` fields that are not pointers serialise their zero value as null.
const NULLABLE_TIME: StructuralSchema = { ...TIME, nullable: true };
const ANY_VALUE: StructuralSchema = { 'x-kubernetes-preserve-unknown-fields': true };

/**
 * An object under `spec` or `status`: typed fields, and every other field kept as written.
 *
 * KFP adds fields to its Go types over time (`spec.pluginsInput` came in 2026). A KFP API server or
 * controller newer than this schema writes them with a whole-object create or update, and a pruning
 * schema would drop them without an error, breaking the newer component. Preserving only at `spec`
 * and `status` would not be enough: the flag does not reach a child with its own schema, which prunes
 * again, so a new field in `spec.trigger` or `status.trigger` would still be lost. Hence at every
 * object level. The price: a misspelt field (`maxHistroy`) is stored and ignored instead of
 * refused; a known field with the wrong type is still refused.
 */
function object(properties: Record<string, StructuralSchema>): StructuralSchema {
  return { type: 'object', properties, 'x-kubernetes-preserve-unknown-fields': true };
}

function arrayOf(items: StructuralSchema): StructuralSchema {
  return { type: 'array', items };
}

const TIME_WINDOW = { startTime: TIME, endTime: TIME };

const workflowStatus = object({
  name: STRING,
  namespace: STRING,
  selfLink: STRING,
  uid: STRING,
  phase: STRING,
  message: STRING,
  createdAt: NULLABLE_TIME,
  startedAt: NULLABLE_TIME,
  finishedAt: NULLABLE_TIME,
  scheduledAt: NULLABLE_TIME,
  index: INT64,
});

const spec: StructuralSchema = {
  ...object({
    enabled: BOOLEAN,
    maxConcurrency: INT64,
    noCatchup: BOOLEAN,
    maxHistory: INT64,
    trigger: object({
      cronSchedule: object({ ...TIME_WINDOW, cron: STRING }),
      periodicSchedule: object({ ...TIME_WINDOW, intervalSecond: INT64 }),
    }),
    workflow: object({
      parameters: arrayOf(object({ name: STRING, value: STRING })),
      pipelineRoot: STRING,
      spec: {
        ...ANY_VALUE,
        description: 'Argo WorkflowSpec, whole Workflow, or a JSON string of either; absent: CreateRun.',
      },
    }),
    experimentId: STRING,
    pipelineId: STRING,
    pipelineVersionId: STRING,
    pipelineName: STRING,
    serviceAccount: STRING,
    // A map: every key is kept already, so it needs no preserving of its own.
    pluginsInput: { type: 'object', additionalProperties: ANY_VALUE },
    // Not in the Go types, but every upstream sample sets it; typed so strict field validation
    // (kubectl's default) accepts the samples.
    description: STRING,
  }),
  'x-kubernetes-map-type': 'atomic',
};

const status: StructuralSchema = {
  ...object({
    conditions: arrayOf(object({ type: STRING, status: STRING, reason: STRING, message: STRING })),
    trigger: object({ lastTriggeredTime: TIME, nextTriggeredTime: TIME, lastWorkflowIndex: INT64 }),
    workflowHistory: object({ active: arrayOf(workflowStatus), completed: arrayOf(workflowStatus) }),
  }),
  'x-kubernetes-map-type': 'atomic',
};

/**
 * `openAPIV3Schema` of the CRD. `status` is not required (upstream requires it, which rejects every
 * upstream sample); `spec` is.
 */
export const SCHEDULED_WORKFLOW_SCHEMA: StructuralSchema = Object.freeze<StructuralSchema>({
  type: 'object',
  required: ['spec'],
  properties: {
    apiVersion: STRING,
    kind: STRING,
    metadata: { type: 'object' },
    spec,
    status,
  },
});
