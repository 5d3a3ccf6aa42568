import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Json } from '../test/fixtures/json.js';
import { ControllerDeployment } from './controller-deployment.js';
import { type ManifestProps, resolveManifestProps } from './props.js';

function synthDeployment(props: ManifestProps = {}): Json {
  const chart = Testing.chart();
  const serviceAccount = kplus.ServiceAccount.fromServiceAccountName(
    chart,
    'Sa',
    'ml-pipeline-scheduledworkflow',
  );
  new ControllerDeployment(chart, 'Controller', { props: resolveManifestProps(props), serviceAccount });
  const [deployment, ...rest] = Testing.synth(chart);
  expect(rest).toHaveLength(0);
  return deployment;
}

function containerOf(deployment: Json): Json {
  const [container, ...rest] = deployment.spec.template.spec.containers;
  expect(rest).toHaveLength(0);
  return container;
}

describe('ControllerDeployment', () => {
  it("keeps upstream's name, labels, immutable selector and pod annotation", () => {
    const deployment = synthDeployment({ namespace: 'team-a' });
    expect(deployment.metadata).toEqual({
      name: 'ml-pipeline-scheduledworkflow',
      namespace: 'team-a',
      labels: { app: 'ml-pipeline-scheduledworkflow' },
    });
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'ml-pipeline-scheduledworkflow' } });
    expect(deployment.spec.template.metadata).toEqual({
      labels: { app: 'ml-pipeline-scheduledworkflow' },
      annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
    });
  });

  it("runs the image's own entrypoint, configured by env vars only", () => {
    const container = containerOf(synthDeployment({ image: 'registry.example.com/swf:1.2.3' }));
    expect(container.name).toBe('ml-pipeline-scheduledworkflow');
    expect(container.image).toBe('registry.example.com/swf:1.2.3');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
  });

  it('defaults to the image the project build tags', () => {
    expect(containerOf(synthDeployment()).image).toBe('localhost/swf-controller:0.1.0');
  });

  it("sets upstream's env vars in upstream's order, the time zone from an optional ConfigMap key", () => {
    const container = containerOf(
      synthDeployment({ configMapName: 'kfp-config', configMapKeys: { cronScheduleTimezone: 'tz' } }),
    );
    expect(container.env).toEqual([
      { name: 'METRICS_PORT', value: '9090' },
      { name: 'CLIENT_QPS', value: '100' },
      { name: 'RESYNC_INTERVAL_SECONDS', value: '30' },
      { name: 'CLIENT_BURST', value: '200' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      {
        name: 'CRON_SCHEDULE_TIMEZONE',
        valueFrom: { configMapKeyRef: { name: 'kfp-config', key: 'tz', optional: true } },
      },
    ]);
  });

  it.each([
    [1, undefined, 'Recreate'],
    [2, 'true', 'RollingUpdate'],
    [3, 'true', 'RollingUpdate'],
  ])('with %i replicas sets LEADER_ELECT=%s and rolls out by %s', (replicas, leaderElect, strategy) => {
    const deployment = synthDeployment({ replicas });
    expect(deployment.spec.replicas).toBe(replicas);
    expect(deployment.spec.strategy.type).toBe(strategy);
    const env = containerOf(deployment).env.find((e: Json) => e.name === 'LEADER_ELECT');
    expect(env?.value).toBe(leaderElect);
  });

  it('runs as non-root 65532 with a read-only root, no privilege escalation, no capabilities, default seccomp', () => {
    const deployment = synthDeployment();
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(containerOf(deployment).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('mounts a projected token for the API server read-only where the controller reads it', () => {
    const deployment = synthDeployment();
    expect(deployment.spec.template.spec.volumes).toEqual([
      {
        name: 'scheduledworkflow-sa-token',
        projected: {
          sources: [
            {
              serviceAccountToken: {
                path: 'scheduledworkflow-sa-token',
                expirationSeconds: 3600,
                audience: 'pipelines.kubeflow.org',
              },
            },
          ],
        },
      },
    ]);
    expect(containerOf(deployment).volumeMounts).toEqual([
      { name: 'scheduledworkflow-sa-token', mountPath: '/var/run/secrets/kubeflow/tokens', readOnly: true },
    ]);
  });

  it('runs as the controller ServiceAccount with its API token mounted', () => {
    const spec = synthDeployment().spec.template.spec;
    expect(spec.serviceAccountName).toBe('ml-pipeline-scheduledworkflow');
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  it('probes health and readiness over HTTP on the named metrics port', () => {
    const container = containerOf(synthDeployment());
    expect(container.ports).toEqual([{ containerPort: 9090, name: 'metrics', protocol: 'TCP' }]);
    const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path, port: 9090, scheme: 'HTTP' },
      periodSeconds,
      timeoutSeconds: 2,
      failureThreshold,
    });
    expect(container.startupProbe).toEqual(probe('/healthz', 2, 30));
    expect(container.livenessProbe).toEqual(probe('/healthz', 10, 3));
    expect(container.readinessProbe).toEqual(probe('/readyz', 5, 3));
  });

  it.each([
    [{}, { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } }],
    [
      { cpuRequestMillis: 250, cpuLimitMillis: 1000, memoryRequestMebibytes: 256, memoryLimitMebibytes: 512 },
      { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } },
    ],
  ])('requests and limits %j as %j', (resources, expected) => {
    expect(containerOf(synthDeployment({ resources })).resources).toEqual(expected);
  });
});
