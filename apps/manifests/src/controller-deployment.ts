import { envVar } from '@swf/contract';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  CONTROLLER_LABELS,
  CONTROLLER_NAME,
  METRICS_PORT,
  METRICS_PORT_NAME,
  TOKEN_AUDIENCE,
  TOKEN_EXPIRATION_SECONDS,
  TOKEN_MOUNT_PATH,
  TOKEN_VOLUME_NAME,
} from './names.js';
import type { ResolvedManifestProps } from './props.js';

/** User and group of the controller process: the conventional non-root id of distroless images. */
export const CONTROLLER_UID = 65532;

/**
 * Client-side rate limit, per API group the controller writes to (status updates; Workflow creates;
 * Events), chosen from `pnpm bench --burst`: with one status write per run, 1,000 recurring runs
 * due on one second (the top of the hour) took 97 s at upstream's 10 / 20, and 12.6 s (CreateRun
 * path) and 8.1 s (embedded-spec path) at 100 / 200, where the eight workers rather than the limit
 * bound the pace. The kube-apiserver protects itself with API Priority and Fairness (on by default
 * since Kubernetes 1.20); the client limit only needs to keep one controller from flooding it, and
 * 100 writes a second of small objects is well within what a control plane serves (controller-runtime
 * dropped its client-side limit by default for the same reason).
 */
const CLIENT_QPS = '100';
const CLIENT_BURST = '200';

/**
 * Tuning env vars in upstream's order (upstream's Deployment sets 10 / 30 / 20; the flag defaults are
 * 5, 10 and 30).
 */
const TUNING_ENV: readonly (readonly [string, string])[] = [
  [envVar('metricsPort'), String(METRICS_PORT)],
  [envVar('clientQPS'), CLIENT_QPS],
  [envVar('recurringRunResyncIntervalSeconds'), '30'],
  [envVar('clientBurst'), CLIENT_BURST],
  [envVar('logLevel'), 'info'],
];

const RUNTIME_DEFAULT_SECCOMP = { type: kplus.SeccompProfileType.RUNTIME_DEFAULT };

/** Props of {@link ControllerDeployment}. */
export interface ControllerDeploymentProps {
  /** Resolved install props. */
  readonly props: ResolvedManifestProps;
  /** The ServiceAccount the pods run as. */
  readonly serviceAccount: kplus.IServiceAccount;
}

/**
 * The `ml-pipeline-scheduledworkflow` Deployment: upstream's labels, env vars and token volume, the
 * image's own entrypoint (configuration by env vars only), and a locked-down pod.
 *
 * Differs from upstream on purpose: no `wait-for-ml-pipeline` init container (the controller
 * retries the API server itself, and embedded-spec schedules need no API server at all); requests,
 * limits and probes; user 65532 with a read-only root file system; `Recreate` rollouts while a
 * single replica runs without leader election, so an old and a new pod never fire the same run.
 */
export class ControllerDeployment extends Construct {
  /** The cdk8s-plus Deployment. */
  readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, { props, serviceAccount }: ControllerDeploymentProps) {
    super(scope, id);
    const labels = { ...CONTROLLER_LABELS };
    const leaderElection = props.replicas > 1;
    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: CONTROLLER_NAME, namespace: props.namespace, labels },
      replicas: props.replicas,
      strategy: leaderElection
        ? kplus.DeploymentStrategy.rollingUpdate()
        : kplus.DeploymentStrategy.recreate(),
      // cdk8s-plus would select on its own address label; select on upstream's immutable selector.
      select: false,
      spread: false,
      podMetadata: { labels, annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' } },
      serviceAccount,
      // The controller talks to the Kubernetes API with its ServiceAccount's own token.
      automountServiceAccountToken: true,
      securityContext: { ensureNonRoot: true, user: CONTROLLER_UID, group: CONTROLLER_UID },
      containers: [containerProps(props, this, leaderElection)],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels }));
    patchBeyondCdk8sPlus(ApiObject.of(this.deployment));
  }
}

function containerProps(
  props: ResolvedManifestProps,
  scope: Construct,
  leaderElection: boolean,
): kplus.ContainerProps {
  const { resources } = props;
  return {
    name: CONTROLLER_NAME,
    image: props.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ports: [{ number: METRICS_PORT, name: METRICS_PORT_NAME, protocol: kplus.Protocol.TCP }],
    envVariables: controllerEnv(props, scope, leaderElection),
    resources: {
      cpu: {
        request: kplus.Cpu.millis(resources.cpuRequestMillis),
        limit:
          resources.cpuLimitMillis === undefined ? undefined : kplus.Cpu.millis(resources.cpuLimitMillis),
      },
      memory: {
        request: Size.mebibytes(resources.memoryRequestMebibytes),
        limit: Size.mebibytes(resources.memoryLimitMebibytes),
      },
    },
    securityContext: {
      ensureNonRoot: true,
      user: CONTROLLER_UID,
      group: CONTROLLER_UID,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: [kplus.Capability.ALL] },
      seccompProfile: RUNTIME_DEFAULT_SECCOMP,
    },
    // Up to a minute to start (caches sync before the controller reports healthy), then liveness.
    startup: httpProbe('/healthz', 2, 30),
    liveness: httpProbe('/healthz', 10, 3),
    readiness: httpProbe('/readyz', 5, 3),
  };
}

function controllerEnv(
  props: ResolvedManifestProps,
  scope: Construct,
  leaderElection: boolean,
): Record<string, kplus.EnvValue> {
  const installConfig = kplus.ConfigMap.fromConfigMapName(scope, 'InstallConfig', props.configMapName);
  return {
    ...Object.fromEntries(TUNING_ENV.map(([name, value]) => [name, kplus.EnvValue.fromValue(value)])),
    [envVar('namespace')]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
    // Optional, unlike upstream: the base installs without KFP's ConfigMap (the controller then uses UTC).
    [envVar('cronScheduleTimezone')]: kplus.EnvValue.fromConfigMap(
      installConfig,
      props.configMapKeys.cronScheduleTimezone,
      {
        optional: true,
      },
    ),
    ...(leaderElection ? { [envVar('leaderElect')]: kplus.EnvValue.fromValue('true') } : {}),
  };
}

function httpProbe(path: string, periodSeconds: number, failureThreshold: number): kplus.Probe {
  return kplus.Probe.fromHttpGet(path, {
    port: METRICS_PORT,
    periodSeconds: Duration.seconds(periodSeconds),
    timeoutSeconds: Duration.seconds(2),
    failureThreshold,
  });
}

/** What cdk8s-plus 28 cannot say: a projected token volume, pod-level seccomp, no address label. */
function patchBeyondCdk8sPlus(deployment: ApiObject): void {
  deployment.addJsonPatch(
    // cdk8s-plus labels every pod template with its construct address; the pods keep upstream's labels.
    JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', RUNTIME_DEFAULT_SECCOMP),
    JsonPatch.add('/spec/template/spec/volumes', [
      {
        name: TOKEN_VOLUME_NAME,
        projected: {
          sources: [
            {
              serviceAccountToken: {
                path: TOKEN_VOLUME_NAME,
                expirationSeconds: TOKEN_EXPIRATION_SECONDS,
                audience: TOKEN_AUDIENCE,
              },
            },
          ],
        },
      },
    ]),
    JsonPatch.add('/spec/template/spec/containers/0/volumeMounts', [
      { name: TOKEN_VOLUME_NAME, mountPath: TOKEN_MOUNT_PATH, readOnly: true },
    ]),
  );
}
