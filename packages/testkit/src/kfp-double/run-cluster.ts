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
   * The ScheduledWorkflow called `name` whose `metadata.uid` is `uid`, in any namespace; `null` when
   * there is none. `likelyNamespace` is where to look first: the run's experiment's namespace,
   * where a multi-user recurring run lives.
   */
  findScheduledWorkflow(
    name: string,
    uid: string,
    likelyNamespace?: string,
  ): Promise<ScheduledWorkflowObject | null>;
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
  /**
   * The namespace of each recurring run found, by uid: what KFP's job table holds. KFP reads the
   * namespace there and gets the object. The double, with no table, gets it in the namespace it was
   * found in before, else in the likely namespace, and lists across namespaces only when both miss:
   * a list (even by name) costs the kube-apiserver a pass over every ScheduledWorkflow (81 ms per
   * call at 10,000 in `pnpm bench`, against KFP's get of one object), and would inflate what a
   * benchmark measures.
   */
  readonly #namespaces = new Map<string, string>();

  constructor(kubeConfig: KubeConfig) {
    this.#custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async findScheduledWorkflow(
    name: string,
    uid: string,
    likelyNamespace?: string,
  ): Promise<ScheduledWorkflowObject | null> {
    const known = this.#namespaces.get(uid);
    for (const namespace of new Set([known, likelyNamespace])) {
      if (!namespace) continue;
      const found = await this.#get(namespace, name);
      if (found?.metadata.uid === uid) {
        this.#namespaces.set(uid, namespace);
        return found;
      }
    }
    this.#namespaces.delete(uid);
    const listed = await this.#list(name, uid);
    if (listed?.metadata.namespace) this.#namespaces.set(uid, listed.metadata.namespace);
    return listed;
  }

  #get(namespace: string, name: string): Promise<ScheduledWorkflowObject | null> {
    return this.#custom
      .getNamespacedCustomObject({ ...SCHEDULED_WORKFLOWS, namespace, name })
      .catch(() => null) as Promise<ScheduledWorkflowObject | null>;
  }

  async #list(name: string, uid: string): Promise<ScheduledWorkflowObject | null> {
    try {
      const list = (await this.#custom.listClusterCustomObject({
        ...SCHEDULED_WORKFLOWS,
        fieldSelector: `metadata.name=${name}`,
      })) as { items: ScheduledWorkflowObject[] };
      return list.items.find((swf) => swf.metadata.uid === uid) ?? null;
    } catch (error) {
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
