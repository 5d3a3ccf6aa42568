/**
 * Whether an embedded workflow must not run because KFP v1 pipelines are blocked, as upstream's
 * `shouldEnforceV1Block` (`crd/controller/scheduledworkflow/controller.go`) and
 * `IsV1PipelinesBlocked` (`common/util/v1_support.go`). Recurring runs with an embedded spec bypass
 * the API server, which enforces the block for everything else.
 */

import { isJsonObject, type JsonObject } from './json.js';
import { V2_COMPONENT_KEY, V2_PIPELINE_KEY } from './labels.js';
import type { ScheduledWorkflow } from './types.js';

/** Upstream's `BLOCK_V1_PIPELINES` and `V1_ALLOWED_NAMESPACES`, already parsed. */
export interface V1BlockSettings {
  /** `BLOCK_V1_PIPELINES`. */
  readonly blockV1Pipelines: boolean;
  /** `V1_ALLOWED_NAMESPACES`: comma-separated namespaces still allowed to run v1 pipelines. */
  readonly v1AllowedNamespaces: string;
}

/** Whether v1 pipelines are blocked in `namespace` (names compared trimmed and lower-cased). */
export function isV1PipelinesBlocked(namespace: string, settings: V1BlockSettings): boolean {
  if (!settings.blockV1Pipelines) return false;
  const target = namespace.trim().toLowerCase();
  return !settings.v1AllowedNamespaces
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .some((name) => name !== '' && name === target);
}

function child(value: unknown, key: string): JsonObject {
  const item = isJsonObject(value) ? value[key] : undefined;
  return isJsonObject(item) ? item : {};
}

function marked(metadata: unknown, key: string): boolean {
  return child(metadata, 'labels')[key] === 'true' || child(metadata, 'annotations')[key] === 'true';
}

/** The stored spec as JSON, or undefined when it is not JSON (upstream then blocks). */
function parsed(spec: unknown): unknown {
  if (typeof spec !== 'string') return spec;
  try {
    return JSON.parse(spec);
  } catch {
    return undefined;
  }
}

/**
 * Whether the embedded workflow carries a KFP v2 marker: `pipelines.kubeflow.org/v2_pipeline` on the
 * Workflow, or `pipelines.kubeflow.org/v2_component` on its pod metadata (of a whole Workflow or of a
 * bare WorkflowSpec), set to `"true"` as a label or an annotation.
 */
export function embedsV2Pipeline(spec: unknown): boolean {
  const stored = parsed(spec);
  return (
    marked(child(stored, 'metadata'), V2_PIPELINE_KEY) ||
    marked(child(child(stored, 'spec'), 'podMetadata'), V2_COMPONENT_KEY) ||
    marked(child(stored, 'podMetadata'), V2_COMPONENT_KEY)
  );
}

/**
 * Whether starting the embedded workflow of `swf` must be refused: v1 pipelines are blocked in its
 * namespace and the workflow has no v2 marker. A ScheduledWorkflow without an embedded spec is never
 * refused here (the API server decides for CreateRun).
 */
export function shouldBlockV1(swf: ScheduledWorkflow, settings: V1BlockSettings): boolean {
  const spec = swf.spec.workflow?.spec;
  if (spec === undefined || spec === null) return false;
  return isV1PipelinesBlocked(swf.metadata.namespace ?? '', settings) && !embedsV2Pipeline(spec);
}
