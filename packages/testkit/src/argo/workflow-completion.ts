import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** Label Argo sets to `"true"` on a Workflow once it has finished; without it a Workflow is active. */
export const ARGO_COMPLETED_LABEL = 'workflows.argoproj.io/completed';
/** Label Argo keeps equal to the Workflow's `status.phase`. */
export const ARGO_PHASE_LABEL = 'workflows.argoproj.io/phase';

/** Group, version and plural of Argo Workflows. */
export const ARGO_WORKFLOWS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;

/**
 * Marks a Workflow finished as Argo's controller does when a run succeeds: phase `Succeeded` and
 * `finishedAt` in its status, and the completed and phase labels that the ScheduledWorkflow
 * controller and KFP's persistence agent select on. One merge patch, since Argo's CRD has no
 * status subresource.
 *
 * Give a client that makes many patches its own `CustomObjectsApi`: one made from a kubeconfig per
 * call holds a connection of its own.
 */
export async function markWorkflowSucceeded(
  client: KubeConfig | CustomObjectsApi,
  namespace: string,
  name: string,
  finishedAt: Date = new Date(),
): Promise<void> {
  const api = client instanceof CustomObjectsApi ? client : client.makeApiClient(CustomObjectsApi);
  await api.patchNamespacedCustomObject(
    {
      ...ARGO_WORKFLOWS,
      namespace,
      name,
      body: {
        metadata: { labels: { [ARGO_COMPLETED_LABEL]: 'true', [ARGO_PHASE_LABEL]: 'Succeeded' } },
        status: { phase: 'Succeeded', finishedAt: kubeTime(finishedAt) },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** `metav1.Time` as Kubernetes serialises it: RFC 3339 in UTC, whole seconds. */
function kubeTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}
