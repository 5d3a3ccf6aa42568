import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { RunWorkflowObject, ScheduledWorkflowObject } from './run-workflow.js';

/** A Workflow as the kube-apiserver returned it on creation. */
export interface CreatedWorkflow {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly uid?: string };
}

/**
 * The Kubernetes calls KFP's `CreateRun` makes with the API server's own identity. A rejected
 * promise stands for a failed call; its message is what KFP quotes.
 */
export interface RunCluster {
  /**
   * The ScheduledWorkflow `name` in `namespace`, as KFP gets a recurring run's object by the
   * namespace and name its job table holds; `null` when there is none.
   */
  getScheduledWorkflow(namespace: string, name: string): Promise<ScheduledWorkflowObject | null>;
  /** Creates an Argo Workflow, returning it with the name the kube-apiserver generated. */
  createWorkflow(namespace: string, workflow: RunWorkflowObject): Promise<CreatedWorkflow>;
}

const SCHEDULED_WORKFLOWS = {
  group: 'kubeflow.org',
  version: 'v1beta1',
  plural: 'scheduledworkflows',
} as const;
const WORKFLOWS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;

/**
 * {@link RunCluster} on a real kube-apiserver, with the credentials of `kubeConfig`: give it the KFP
 * API server's identity (`installKfpApiServerIdentity`), so RBAC and ownership checks see what they
 * see in a cluster.
 */
export class KubeRunCluster implements RunCluster {
  readonly #custom: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    this.#custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async getScheduledWorkflow(namespace: string, name: string): Promise<ScheduledWorkflowObject | null> {
    try {
      return (await this.#custom.getNamespacedCustomObject({
        ...SCHEDULED_WORKFLOWS,
        namespace,
        name,
      })) as ScheduledWorkflowObject;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return null;
      throw new Error(kubeErrorMessage(error));
    }
  }

  async createWorkflow(namespace: string, workflow: RunWorkflowObject): Promise<CreatedWorkflow> {
    try {
      return (await this.#custom.createNamespacedCustomObject({
        ...WORKFLOWS,
        namespace,
        body: workflow,
      })) as CreatedWorkflow;
    } catch (error) {
      throw new Error(kubeErrorMessage(error));
    }
  }
}

/**
 * The text client-go's error would print: the `message` of the Status the kube-apiserver answered
 * (e.g. `workflows.argoproj.io is forbidden: User "..." cannot create ...`), else the error's own.
 */
function kubeErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = typeof error.body === 'string' ? parseJson(error.body) : error.body;
    const message = (body as { message?: unknown } | null)?.message;
    if (typeof message === 'string') return message;
  }
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
