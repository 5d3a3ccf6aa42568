import { MetadataValidationError } from './errors.js';
import { resolveUserIdentity } from './identity.js';

/** How the caller names its settings; the library knows no names of its own. */
const NAMES = { header: 'HEADER', value: 'VALUE', prefix: 'PREFIX' };

describe('resolveUserIdentity', () => {
  it.each([
    [{}, null],
    [{ header: '', value: 'ignored' }, null],
    [{ header: ' \n', value: 'ignored' }, null],
    [
      { header: 'kubeflow-userid', value: 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow' },
      { key: 'kubeflow-userid', value: 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow' },
    ],
    [
      { header: 'Kubeflow-UserID\n', value: 'sa\n', prefix: 'accounts.google.com:\n' },
      { key: 'kubeflow-userid', value: 'accounts.google.com:sa' },
    ],
    [
      { header: 'x-user_id.v2', value: 'u', prefix: '' },
      { key: 'x-user_id.v2', value: 'u' },
    ],
  ])('resolves %j to %j', (settings, expected) => {
    expect(resolveUserIdentity(settings, NAMES)).toEqual(expected);
  });

  it.each([
    [{ header: 'kubeflow-userid' }, 'VALUE', 'is empty'],
    [{ header: 'kubeflow-userid', value: '  \n' }, 'VALUE', 'is empty'],
    [{ header: 'kubeflow userid', value: 'u' }, 'HEADER', 'may only contain'],
    [{ header: 'grpc-status', value: 'u' }, 'HEADER', 'reserved by gRPC'],
    [{ header: 'authorization', value: 'u' }, 'HEADER', 'bearer token'],
    [{ header: 'kubeflow-userid', value: 'ü' }, 'VALUE', 'printable ASCII'],
    [{ header: 'kubeflow-userid', value: 'u', prefix: 'pré:' }, 'PREFIX', 'printable ASCII'],
    [
      { header: 'kubeflow-userid', value: 'u'.repeat(4000), prefix: 'p'.repeat(200) },
      'PREFIX + VALUE',
      'at most 4096',
    ],
  ])('rejects %j, naming %s', (settings, setting, rule) => {
    let caught: unknown;
    try {
      resolveUserIdentity(settings, NAMES);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MetadataValidationError);
    expect((caught as MetadataValidationError).setting).toBe(setting);
    expect((caught as MetadataValidationError).message).toContain(rule);
  });

  it('names the settings the caller passes', () => {
    const names = { header: 'spec.header', value: 'spec.value', prefix: 'spec.prefix' };
    expect(() => resolveUserIdentity({ header: 'kubeflow-userid' }, names)).toThrow(
      /^spec\.value: is empty, but spec\.header is set to "kubeflow-userid"/,
    );
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(resolveUserIdentity({ header: 'h', value: 'v' }, NAMES))).toBe(true);
  });
});
