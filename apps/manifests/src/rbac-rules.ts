import { SWF_GROUP, SWF_PLURAL } from './names.js';

/** One RBAC rule, as in `rbac.authorization.k8s.io/v1` `PolicyRule`. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * What the controller calls, in every namespace it watches. Compared with upstream's Role and
 * ClusterRole (`ml-pipeline-scheduledworkflow-role`), each rule keeps only the verbs the controller
 * uses; the differences are explained per rule.
 */
export const CONTROLLER_RULES: readonly PolicyRule[] = Object.freeze([
  {
    // Informer (list, watch), a fresh read before a write (get), status and label writes (update,
    // patch). Upstream also grants create and delete: only the API server creates and deletes these.
    apiGroups: [SWF_GROUP],
    resources: [SWF_PLURAL],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
  {
    // Workflows are created with a controller ownerReference that blocks owner deletion; the
    // OwnerReferencesPermissionEnforcement admission plugin then requires update on the owner's
    // finalizers. Upstream grants its whole verb list here; update is the only one checked.
    apiGroups: [SWF_GROUP],
    resources: [`${SWF_PLURAL}/finalizers`],
    verbs: ['update'],
  },
  {
    // Informer (list, watch), create, and a read of a same-named workflow after AlreadyExists.
    // Upstream also grants update, patch and delete: the controller never changes or deletes a
    // workflow (the persistence agent and Argo's garbage collection do).
    apiGroups: ['argoproj.io'],
    resources: ['workflows'],
    verbs: ['create', 'get', 'list', 'watch'],
  },
  {
    // The multi-user API server authorizes CreateRun with a SubjectAccessReview for this verb on
    // `runs` in the run's namespace, against the controller's own identity. Same as upstream.
    apiGroups: ['pipelines.kubeflow.org'],
    resources: ['runs'],
    verbs: ['create'],
  },
  {
    // Before a resource's first CreateRun the controller reads its experiment
    // (ExperimentService.GetExperiment), to refuse an experiment of another namespace; the API server
    // authorizes that read with a SubjectAccessReview for this verb on `experiments` in the
    // experiment's namespace. Not in upstream, which makes no such check.
    apiGroups: ['pipelines.kubeflow.org'],
    resources: ['experiments'],
    verbs: ['get'],
  },
  {
    // Event recorder: create, and patch to bump the count of a repeated event. Same as upstream.
    apiGroups: [''],
    resources: ['events'],
    verbs: ['create', 'patch'],
  },
]);

/**
 * Leader election (`LEADER_ELECT=true`) on a Lease in the controller's own namespace. Not in
 * upstream, which runs one replica without election. Granted by the namespaced Role only, which the
 * multi-user overlay keeps, so the ClusterRole needs no access to leases in other namespaces.
 */
export const LEADER_ELECTION_RULES: readonly PolicyRule[] = Object.freeze([
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
]);
