import { ApiObject, App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { BaseChart } from './base-chart.js';
import { MonitoringChart } from './monitoring-chart.js';
import { MultiUserChart } from './multi-user-chart.js';
import type { ManifestProps } from './props.js';

/** A rendered Kubernetes object (or patch document). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** One YAML file of a layer and the documents in it. */
export interface ManifestFile {
  /** File name inside the layer's folder. */
  readonly name: string;
  readonly objects: readonly KubeObject[];
}

/**
 * A `kustomize.config.k8s.io/v1beta1` Kustomization, or a `v1alpha1` Component (added to a
 * kustomization with `components:`), as far as the layers use them.
 */
export type Kustomization = KustomizationFields &
  (
    | { readonly apiVersion: 'kustomize.config.k8s.io/v1beta1'; readonly kind: 'Kustomization' }
    | { readonly apiVersion: 'kustomize.config.k8s.io/v1alpha1'; readonly kind: 'Component' }
  );

/** The fields of a {@link Kustomization} the layers set. */
export interface KustomizationFields {
  readonly namespace?: string;
  readonly resources: readonly string[];
  readonly patches?: readonly { readonly path: string }[];
  readonly labels?: readonly {
    readonly includeSelectors: boolean;
    readonly pairs: Readonly<Record<string, string>>;
  }[];
}

/** A kustomize folder: its resource files, its patch files and its `kustomization.yaml`. */
export interface ManifestLayer {
  /** Folder relative to the dist folder: `base`, `overlays/multi-user` or `components/monitoring`. */
  readonly dir: string;
  readonly resources: readonly ManifestFile[];
  readonly patches: readonly ManifestFile[];
  readonly kustomization: Kustomization;
}

/** Folder of the base layer inside the dist folder. */
export const BASE_LAYER_DIR = 'base';
/** Folder of the multi-user overlay inside the dist folder. */
export const MULTI_USER_LAYER_DIR = 'overlays/multi-user';
/** Folder of the monitoring component inside the dist folder. */
export const MONITORING_COMPONENT_DIR = 'components/monitoring';

/**
 * Labels upstream's `installs/multi-user` kustomization puts on every object and selector; a
 * Deployment's selector cannot change, so the overlay keeps them to replace upstream's Deployment in place.
 */
export const MULTI_USER_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'app.kubernetes.io/component': 'ml-pipeline',
  'app.kubernetes.io/name': 'kubeflow-pipelines',
});

/**
 * Renders the base layer: CRD, ServiceAccount, Role, RoleBinding and Deployment, file names as upstream.
 *
 * @throws ManifestPropsError naming the first prop that breaks a rule
 */
export function synthBase(props: ManifestProps = {}): ManifestLayer {
  const chart = new BaseChart(new App(), 'base', props);
  const resources = [
    file('scheduled-workflow-crd.yaml', chart.crd),
    file('ml-pipeline-scheduledworkflow-sa.yaml', chart.serviceAccount),
    file('ml-pipeline-scheduledworkflow-role.yaml', chart.rbac.role),
    file('ml-pipeline-scheduledworkflow-rolebinding.yaml', chart.rbac.binding),
    file('ml-pipeline-scheduledworkflow-deployment.yaml', chart.controller),
  ];
  return {
    dir: BASE_LAYER_DIR,
    resources,
    patches: [],
    kustomization: kustomization({ resources: resources.map((f) => f.name) }),
  };
}

/**
 * Renders the multi-user overlay: the base plus ClusterRole, ClusterRoleBinding and the Deployment
 * patch, in the props' namespace, with upstream's multi-user labels.
 *
 * @throws ManifestPropsError naming the first prop that breaks a rule
 */
export function synthMultiUser(props: ManifestProps = {}): ManifestLayer {
  const chart = new MultiUserChart(new App(), 'multi-user', props);
  const resources = [
    file('cluster-role.yaml', chart.rbac.role),
    file('cluster-role-binding.yaml', chart.rbac.binding),
  ];
  const patches = [file('deployment-patch.yaml', chart.deploymentPatch)];
  return {
    dir: MULTI_USER_LAYER_DIR,
    resources,
    patches,
    kustomization: kustomization({
      namespace: chart.props.namespace,
      resources: ['../../base', ...resources.map((f) => f.name)],
      patches: patches.map((f) => ({ path: f.name })),
      labels: [{ includeSelectors: true, pairs: MULTI_USER_LABELS }],
    }),
  };
}

/**
 * Renders the monitoring component: the metrics Service, a ServiceMonitor, the alerts as a
 * PrometheusRule and the Grafana dashboard as a ConfigMap, in the props' namespace. An operator adds
 * it with `components:` to the kustomization that installs the controller.
 *
 * @throws ManifestPropsError naming the first prop that breaks a rule
 */
export function synthMonitoring(props: ManifestProps = {}): ManifestLayer {
  const chart = new MonitoringChart(new App(), 'monitoring', props);
  const resources = [
    file('metrics-service.yaml', chart.service),
    file('service-monitor.yaml', chart.serviceMonitor),
    file('prometheus-rule.yaml', chart.rules),
    file('grafana-dashboard.yaml', chart.dashboard),
  ];
  return {
    dir: MONITORING_COMPONENT_DIR,
    resources,
    patches: [],
    kustomization: {
      apiVersion: 'kustomize.config.k8s.io/v1alpha1',
      kind: 'Component',
      resources: resources.map((f) => f.name),
    },
  };
}

/** Every resource object of a layer (patches excluded), optionally only those of one kind. */
export function layerObjects(layer: ManifestLayer, kind?: string): KubeObject[] {
  return layer.resources.flatMap((f) => f.objects).filter((o) => kind === undefined || o.kind === kind);
}

function file(name: string, construct: IConstruct): ManifestFile {
  const objects = construct.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c))
    .map((o) => o.toJson() as KubeObject);
  return { name, objects };
}

function kustomization(fields: KustomizationFields): Kustomization {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...fields };
}
