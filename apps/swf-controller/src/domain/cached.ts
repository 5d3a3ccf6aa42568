/**
 * What the controller's caches keep of each object: only the fields it reads. The caches hold every
 * ScheduledWorkflow and every Workflow one made, so at thousands of resources what they keep is most
 * of the controller's memory.
 */

import type { ArgoWorkflow } from './argo.js';
import { ANNOTATION_RUN_NAME } from './labels.js';
import type { ScheduledWorkflow } from './types.js';

/**
 * A ScheduledWorkflow without `metadata.managedFields`, which the controller never reads and which
 * can be larger than the rest of the object. Everything else stays: the status write replaces the
 * whole object, so a dropped field would be deleted from the stored one. (An update that carries no
 * managedFields leaves the stored ones as they are.)
 */
export function scheduledWorkflowAsCached(swf: ScheduledWorkflow): ScheduledWorkflow {
  const metadata = swf.metadata as ScheduledWorkflow['metadata'] & { managedFields?: unknown };
  if (metadata.managedFields === undefined) return swf;
  const { managedFields: _dropped, ...kept } = metadata;
  return { ...swf, metadata: kept };
}

/**
 * Of a Workflow, the identity, labels, owners and the run-name annotation (the history and the
 * look-up of a made run read them), and the phase, message and times of its status (the history).
 * The spec, with the compiled pipeline in its arguments, and the status's nodes are dropped; the
 * controller never writes a Workflow back.
 */
export function workflowAsCached(workflow: ArgoWorkflow): ArgoWorkflow {
  const { metadata, status } = workflow;
  const runName = metadata.annotations?.[ANNOTATION_RUN_NAME];
  return {
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      creationTimestamp: metadata.creationTimestamp,
      ...(metadata.selfLink !== undefined && { selfLink: metadata.selfLink }),
      ...(metadata.labels !== undefined && { labels: metadata.labels }),
      ...(runName !== undefined && { annotations: { [ANNOTATION_RUN_NAME]: runName } }),
      ...(metadata.ownerReferences !== undefined && { ownerReferences: metadata.ownerReferences }),
    },
    ...(status !== undefined && {
      status: {
        phase: status.phase,
        message: status.message,
        startedAt: status.startedAt,
        finishedAt: status.finishedAt,
      },
    }),
  };
}
