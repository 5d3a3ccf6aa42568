import { multiUserControllerPod, multiUserInstallConfig } from './controller-pod.js';

describe('multiUserControllerPod', () => {
  const props = { namespace: 'kubeflow' };

  it('gives the controller the env the multi-user install gives it', () => {
    const pod = multiUserControllerPod(
      props,
      multiUserInstallConfig(props, { header: 'kubeflow-userid', prefix: '' }),
    );
    expect(pod.env).toMatchObject({
      NAMESPACE: '',
      USER_IDENTITY_HEADER: 'kubeflow-userid',
      USER_IDENTITY_PREFIX: '',
      USER_IDENTITY_VALUE: 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow',
      METRICS_PORT: '9090',
    });
    expect(pod.env).not.toHaveProperty('CRON_SCHEDULE_TIMEZONE');
    expect(pod).toMatchObject({
      namespace: 'kubeflow',
      serviceAccount: 'ml-pipeline-scheduledworkflow',
      tokenAudience: 'pipelines.kubeflow.org',
      tokenFile: 'scheduledworkflow-sa-token',
    });
  });

  it('follows the namespace it is installed in', () => {
    const pod = multiUserControllerPod({ namespace: 'ops' }, {});
    expect(pod.env.USER_IDENTITY_VALUE).toBe('system:serviceaccount:ops:ml-pipeline-scheduledworkflow');
  });

  it('turns the identity off when the install ConfigMap has no header key, as in-cluster', () => {
    expect(multiUserControllerPod(props, {}).env).not.toHaveProperty('USER_IDENTITY_HEADER');
  });
});
