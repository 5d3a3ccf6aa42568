/**
 * The parts of an Argo `Workflow` (`argoproj.io/v1alpha1`) the controller writes or reads. The spec
 * is kept as opaque JSON: the controller only sets a few fields in it and must pass the rest
 * through untouched.
 */

import type { ObjectMeta } from './types.js';

/** API group of Argo Workflows. */
export const ARGO_GROUP = 'argoproj.io';
/** The version of Argo's API the controller reads and writes. */
export const ARGO_VERSION = 'v1alpha1';
/** Plural of Workflows in resource paths. */
export const ARGO_WORKFLOW_PLURAL = 'workflows';
/** API version of Argo Workflows. */
export const ARGO_API_VERSION = `${ARGO_GROUP}/${ARGO_VERSION}`;
/** Kind of an Argo Workflow. */
export const ARGO_WORKFLOW_KIND = 'Workflow';

/** Object metadata of a Workflow. */
export interface ArgoObjectMeta extends ObjectMeta {
  generateName?: string;
  selfLink?: string;
}

/** The fields of a Workflow's status that the history shows. */
export interface ArgoWorkflowStatus {
  phase?: string;
  message?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
}

/** An Argo Workflow. */
export interface ArgoWorkflow {
  apiVersion?: string;
  kind?: string;
  metadata: ArgoObjectMeta;
  spec?: Record<string, unknown>;
  status?: ArgoWorkflowStatus;
}

/** The uid of `workflow`'s controller owner (its ScheduledWorkflow), `''` for none. */
export function controllerUid(workflow: ArgoWorkflow): string {
  return workflow.metadata?.ownerReferences?.find((ref) => ref.controller)?.uid ?? '';
}
