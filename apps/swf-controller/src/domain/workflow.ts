/**
 * The Argo Workflow a ScheduledWorkflow with an embedded spec starts, as upstream's `NewWorkflow`
 * (`crd/controller/scheduledworkflow/util/scheduled_workflow.go`) and the helpers it calls in
 * `common/util` (`ScheduleSpecToExecutionSpec`, `OverrideParameters`, `SetCannonicalLabels`,
 * `ReplaceUID`, `SetOwnerReferences`).
 *
 * The input usually comes from an informer cache, so it is never modified: the stored spec is
 * copied before anything is set on it.
 */

import { ARGO_API_VERSION, ARGO_WORKFLOW_KIND, type ArgoWorkflow } from './argo.js';
import { WorkflowSpecError } from './errors.js';
import { isJsonObject, type JsonObject } from './json.js';
import {
  ANNOTATION_WORKFLOW_RUN_NOW,
  LABEL_IS_OWNED_BY_SCHEDULED_WORKFLOW,
  LABEL_RUN_ID,
  LABEL_SCHEDULED_WORKFLOW_NAME,
  LABEL_WORKFLOW_EPOCH,
  LABEL_WORKFLOW_INDEX,
} from './labels.js';
import { nextIndex, nextResourceName } from './names.js';
import { formatParameters } from './parameters.js';
import { type OwnerReference, type ScheduledWorkflow, SWF_GROUP, SWF_KIND, SWF_VERSION } from './types.js';

/** Field that holds the embedded workflow. */
export const WORKFLOW_SPEC_FIELD = 'spec.workflow.spec';
/** Argo's placeholder for the workflow's UID, replaced by the run ID as upstream does. */
export const WORKFLOW_UID_PLACEHOLDER = '{{workflow.uid}}';

/** Per-run values of one Workflow. */
export interface WorkflowRunValues {
  /** Epoch (seconds) the run is scheduled for. */
  readonly scheduledEpoch: number;
  /** Epoch (seconds) the run is started at. */
  readonly nowEpoch: number;
  /** KFP run ID given to the Workflow (`pipeline/runid`). */
  readonly runUuid: string;
  /** The `run-now` value the run honours; absent for a tick's run. */
  readonly runNow?: string;
}

function invalid(rule: string): WorkflowSpecError {
  return new WorkflowSpecError(WORKFLOW_SPEC_FIELD, rule);
}

function parseStoredSpec(spec: unknown): JsonObject {
  let value = spec;
  if (typeof spec === 'string') {
    try {
      value = JSON.parse(spec);
    } catch (error) {
      throw invalid(`must be valid JSON (${(error as Error).message})`);
    }
  }
  if (!isJsonObject(value)) {
    throw invalid('must be an Argo WorkflowSpec or Workflow object, or a JSON string of one');
  }
  return value;
}

/** `parent[key]` as an object, created when absent; anything else breaks the spec. */
function childObject(parent: JsonObject, key: string, path: string): JsonObject {
  const value = parent[key];
  if (value === undefined || value === null) {
    const created: JsonObject = {};
    parent[key] = created;
    return created;
  }
  if (!isJsonObject(value)) throw invalid(`${path} must be an object`);
  return value;
}

/**
 * The Workflow described by `spec.workflow.spec`, copied. Two shapes are stored: a whole Workflow
 * (recognised, as upstream, by a non-empty `spec.entrypoint`) and, from older API servers, a bare
 * WorkflowSpec. Anything else is read as upstream does: top-level fields other than the Workflow's
 * own are spec fields laid over `spec`. Upstream reads the unparsed (object) form only as a bare
 * spec; both forms are read alike here, which accepts whole Workflows there too.
 */
export function workflowFromStoredSpec(spec: unknown): ArgoWorkflow {
  const stored = structuredClone(parseStoredSpec(spec));
  const { apiVersion: _apiVersion, kind: _kind, status: _status, ...fields } = stored;
  const metadata = childObject(fields, 'metadata', 'metadata');
  const inner = childObject(fields, 'spec', 'spec');
  const { metadata: _metadata, spec: _spec, ...specFields } = fields;
  const whole = typeof inner.entrypoint === 'string' && inner.entrypoint !== '';
  return {
    apiVersion: ARGO_API_VERSION,
    kind: ARGO_WORKFLOW_KIND,
    metadata,
    spec: whole ? inner : { ...inner, ...specFields },
  };
}

/** Argo's `AnyString`: a parameter value may be written as a string, number or boolean. */
function anyString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(`${path} must be a string, number or boolean`);
}

/**
 * Upstream's `OverrideParameters`: every parameter the spec declares keeps only its name and value,
 * the value taken from `overrides` when named there; overrides the spec does not declare are ignored.
 */
function overrideParameters(spec: JsonObject, overrides: Readonly<Record<string, string>>): void {
  const args = spec.arguments;
  if (!isJsonObject(args) || args.parameters === undefined || args.parameters === null) return;
  if (!Array.isArray(args.parameters)) throw invalid('arguments.parameters must be an array');
  args.parameters = args.parameters.map((parameter: unknown, i) => {
    const path = `arguments.parameters[${i}]`;
    if (!isJsonObject(parameter)) throw invalid(`${path} must be an object`);
    const name = typeof parameter.name === 'string' ? parameter.name : '';
    const value = Object.hasOwn(overrides, name)
      ? overrides[name]
      : anyString(parameter.value, `${path}.value`);
    return value === undefined ? { name } : { name, value };
  });
}

/** Parameters of the ScheduledWorkflow by name; a later duplicate wins, as in upstream's map. */
function parameterValues(swf: ScheduledWorkflow): Record<string, string> {
  const parameters = swf.spec.workflow?.parameters ?? [];
  return Object.fromEntries(parameters.map((p) => [p.name ?? '', p.value ?? '']));
}

/** Replaces `search` in every string and object key of a JSON value, building a new value. */
function replaceEverywhere(value: unknown, search: string, replacement: string): unknown {
  const replace = (text: string): string => text.split(search).join(replacement);
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((item) => replaceEverywhere(item, search, replacement));
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [replace(key), replaceEverywhere(item, search, replacement)]),
  );
}

/** The controller reference that lets Kubernetes collect the Workflow with its ScheduledWorkflow. */
export function controllerReference(swf: ScheduledWorkflow): OwnerReference {
  return {
    apiVersion: `${SWF_GROUP}/${SWF_VERSION}`,
    kind: SWF_KIND,
    name: swf.metadata.name ?? '',
    uid: swf.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The Workflow for the next run of `swf`: named `nextResourceName(swf)`, parameters overridden and
 * their macros expanded, labelled with the ScheduledWorkflow's name, the scheduled epoch, the index
 * and the run ID (the run ID also on its pods), `{{workflow.uid}}` replaced by the run ID, and owned
 * by `swf`. A `run-now` run is annotated with the value it honours ({@link ANNOTATION_WORKFLOW_RUN_NOW}):
 * its epoch is the time it started, so only that tells a retry which run it is. The namespace is set to the ScheduledWorkflow's, so a stored Workflow cannot point the
 * run elsewhere.
 *
 * @throws WorkflowSpecError when `spec.workflow.spec` is missing, not JSON, or not shaped like a Workflow.
 */
export function buildWorkflow(swf: ScheduledWorkflow, run: WorkflowRunValues): ArgoWorkflow {
  const workflow = workflowFromStoredSpec(swf.spec.workflow?.spec);
  const spec = workflow.spec ?? {};
  const index = nextIndex(swf);
  overrideParameters(spec, formatParameters(parameterValues(swf), { ...run, index }));
  childObject(childObject(spec, 'podMetadata', 'podMetadata'), 'labels', 'podMetadata.labels')[LABEL_RUN_ID] =
    run.runUuid;

  const { generateName: _generateName, ...metadata } = workflow.metadata;
  const labels = childObject(metadata as JsonObject, 'labels', 'metadata.labels');
  Object.assign(labels, {
    [LABEL_SCHEDULED_WORKFLOW_NAME]: swf.metadata.name ?? '',
    [LABEL_WORKFLOW_EPOCH]: String(run.scheduledEpoch),
    [LABEL_WORKFLOW_INDEX]: String(index),
    [LABEL_IS_OWNED_BY_SCHEDULED_WORKFLOW]: 'true',
    [LABEL_RUN_ID]: run.runUuid,
  });
  if (run.runNow !== undefined) {
    childObject(metadata as JsonObject, 'annotations', 'metadata.annotations')[ANNOTATION_WORKFLOW_RUN_NOW] =
      run.runNow;
  }
  metadata.name = nextResourceName(swf);
  if (swf.metadata.namespace) metadata.namespace = swf.metadata.namespace;

  const result = replaceEverywhere(
    { ...workflow, metadata, spec },
    WORKFLOW_UID_PLACEHOLDER,
    run.runUuid,
  ) as ArgoWorkflow;
  result.metadata.ownerReferences = [controllerReference(swf)];
  return result;
}
