import type {
  CreatedWorkflow,
  RunCluster,
  RunWorkflowObject,
  ScheduledWorkflowObject,
} from '../src/kfp-double/index.js';

/**
 * The Kubernetes side of the KFP API double in memory, for unit tests of its error paths and
 * ordering; the integration tests hold the double's Workflows to the recording on a real kube-apiserver.
 */
export class MemoryRunCluster implements RunCluster {
  /** By `namespace/name`. */
  readonly scheduledWorkflows = new Map<string, ScheduledWorkflowObject>();
  readonly workflows: RunWorkflowObject[] = [];
  failGet: Error | null = null;
  failCreate: Error | null = null;

  /** Puts `swf` in the cluster, as whoever writes it there. */
  put(swf: ScheduledWorkflowObject): void {
    this.scheduledWorkflows.set(`${swf.metadata.namespace}/${swf.metadata.name}`, swf);
  }

  async getScheduledWorkflow(namespace: string, name: string): Promise<ScheduledWorkflowObject | null> {
    if (this.failGet) throw this.failGet;
    return this.scheduledWorkflows.get(`${namespace}/${name}`) ?? null;
  }

  async createWorkflow(_namespace: string, workflow: RunWorkflowObject): Promise<CreatedWorkflow> {
    if (this.failCreate) throw this.failCreate;
    this.workflows.push(workflow);
    return { metadata: { name: `${workflow.metadata.generateName}${this.workflows.length}` } };
  }
}
