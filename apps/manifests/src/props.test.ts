import { ManifestPropsError } from './errors.js';
import { DEFAULT_PROPS, type ManifestProps, resolveManifestProps } from './props.js';

function errorOf(props: ManifestProps): ManifestPropsError {
  try {
    resolveManifestProps(props);
  } catch (error) {
    if (error instanceof ManifestPropsError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(props)}`);
}

describe('resolveManifestProps', () => {
  it('fills in upstream-compatible defaults', () => {
    expect(resolveManifestProps()).toEqual({
      image: 'localhost/swf-controller:0.1.0',
      namespace: 'kubeflow',
      configMapName: 'pipeline-install-config',
      configMapKeys: {
        cronScheduleTimezone: 'cronScheduleTimezone',
        userIdHeader: 'USERID_HEADER',
        userIdPrefix: 'USERID_PREFIX',
      },
      resources: { cpuRequestMillis: 100, memoryRequestMebibytes: 128, memoryLimitMebibytes: 256 },
      replicas: 1,
      runbookBaseUrl: 'README.md',
      latenessAlertSeconds: 30,
    });
  });

  it('keeps given values and defaults the rest of a partly given group', () => {
    const resolved = resolveManifestProps({
      configMapKeys: { userIdHeader: 'MY_HEADER' },
      resources: { cpuLimitMillis: 500 },
    });
    expect(resolved.configMapKeys).toEqual({ ...DEFAULT_PROPS.configMapKeys, userIdHeader: 'MY_HEADER' });
    expect(resolved.resources).toEqual({ ...DEFAULT_PROPS.resources, cpuLimitMillis: 500 });
  });

  it.each([
    'ghcr.io/kubeflow/kfp-scheduled-workflow-controller:2.17.0',
    'localhost:5000/swf-controller',
    'swf-controller@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'registry.example.com/team/sub_path/swf__controller:v1.2.3-rc.1',
  ])('accepts the image reference %s', (image) => {
    expect(resolveManifestProps({ image }).image).toBe(image);
  });

  it.each([
    'README.md',
    '../../README.md',
    'https://git.example.com/org/swf/blob/main/README.md',
    'http://wiki.internal/runbooks/swf',
  ])('accepts the runbook base URL %s', (runbookBaseUrl) => {
    expect(resolveManifestProps({ runbookBaseUrl }).runbookBaseUrl).toBe(runbookBaseUrl);
  });

  it.each<[string, ManifestProps, string]>([
    ['image', { image: '' }, 'image reference'],
    ['image', { image: 'Swf-Controller:1' }, 'image reference'],
    ['image', { image: 'swf controller' }, 'image reference'],
    ['image', { image: 'swf:bad tag' }, 'image reference'],
    ['namespace', { namespace: 'Kubeflow' }, 'DNS-1123 label'],
    ['namespace', { namespace: 'a'.repeat(64) }, 'DNS-1123 label'],
    ['namespace', { namespace: '-kubeflow' }, 'DNS-1123 label'],
    ['configMapName', { configMapName: 'pipeline_install_config' }, 'DNS-1123 subdomain'],
    [
      'configMapKeys.cronScheduleTimezone',
      { configMapKeys: { cronScheduleTimezone: 'tz zone' } },
      'ConfigMap key',
    ],
    ['configMapKeys.userIdHeader', { configMapKeys: { userIdHeader: '' } }, 'ConfigMap key'],
    ['configMapKeys.userIdPrefix', { configMapKeys: { userIdPrefix: '..' } }, 'ConfigMap key'],
    ['replicas', { replicas: 0 }, 'whole number of at least 1'],
    ['replicas', { replicas: 1.5 }, 'whole number of at least 1'],
    ['replicas', { replicas: Number.NaN }, 'whole number of at least 1'],
    ['replicas', { replicas: '2' as unknown as number }, 'whole number of at least 1'],
    ['image', { image: 42 as unknown as string }, 'image reference'],
    ['runbookBaseUrl', { runbookBaseUrl: '' }, 'http(s) URL or a relative path'],
    ['runbookBaseUrl', { runbookBaseUrl: 'README.md#operating-it' }, 'without spaces, quotes or a #fragment'],
    ['runbookBaseUrl', { runbookBaseUrl: 'ftp://host/README.md' }, 'http(s) URL'],
    ['runbookBaseUrl', { runbookBaseUrl: 'https://' }, 'http(s) URL'],
    ['latenessAlertSeconds', { latenessAlertSeconds: 0 }, 'whole number of at least 1'],
    ['resources.cpuRequestMillis', { resources: { cpuRequestMillis: 0 } }, 'whole number of at least 1'],
    [
      'resources.memoryLimitMebibytes',
      { resources: { memoryLimitMebibytes: -1 } },
      'whole number of at least 1',
    ],
    [
      'resources.cpuLimitMillis',
      { resources: { cpuRequestMillis: 200, cpuLimitMillis: 100 } },
      'at least resources.cpuRequestMillis',
    ],
    [
      'resources.memoryLimitMebibytes',
      { resources: { memoryRequestMebibytes: 512 } },
      'at least resources.memoryRequestMebibytes (512)',
    ],
  ])('rejects a bad %s (%j), naming the field', (field, props, rule) => {
    const error = errorOf(props);
    expect(error.field).toBe(field);
    expect(error.rule).toContain(rule);
    expect(error.message).toBe(`${field}: ${error.rule}`);
  });

  it('returns frozen props', () => {
    const resolved = resolveManifestProps();
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.configMapKeys)).toBe(true);
    expect(Object.isFrozen(resolved.resources)).toBe(true);
  });
});
