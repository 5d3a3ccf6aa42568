import { MetadataValidationError } from './errors.js';
import {
  MAX_VALUE_BYTES,
  normalizeIdentityKey,
  normalizeMetadataKey,
  normalizeMetadataValue,
} from './metadata-rules.js';

const SETTING = '--userIdentityHeader / USER_IDENTITY_HEADER';

function ruleBroken(fn: () => unknown): MetadataValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MetadataValidationError) return error;
    throw error;
  }
  throw new Error('expected a MetadataValidationError');
}

describe('normalizeMetadataKey', () => {
  it.each([
    ['kubeflow-userid', 'kubeflow-userid'],
    ['Kubeflow-UserID', 'kubeflow-userid'],
    ['x-user_id.v2', 'x-user_id.v2'],
    ['  kubeflow-userid\n', 'kubeflow-userid'],
    ['X-GOOG-AUTHENTICATED-USER-EMAIL', 'x-goog-authenticated-user-email'],
    ['authorization', 'authorization'],
    ['trace-bin', 'trace-bin'],
    ['0', '0'],
  ])('accepts %j as %j', (raw, expected) => {
    expect(normalizeMetadataKey(raw, SETTING)).toBe(expected);
  });

  it.each([
    ['kubeflow userid', 'may only contain'],
    ['kubeflow:userid', 'may only contain'],
    [':authority', 'may only contain'],
    ['', 'is empty'],
    ['   \n', 'is empty'],
    ['grpc-status', 'must not start with "grpc-"'],
    ['GRPC-Timeout', 'must not start with "grpc-"'],
    ['content-type', 'reserved by HTTP/2 or gRPC'],
    ['te', 'reserved by HTTP/2 or gRPC'],
    ['user-agent', 'reserved by HTTP/2 or gRPC'],
    ['host', 'reserved by HTTP/2 or gRPC'],
    ['Connection', 'reserved by HTTP/2 or gRPC'],
    ['transfer-encoding', 'reserved by HTTP/2 or gRPC'],
    ['kubeflow/userid', 'may only contain'],
    ['usér', 'may only contain'],
    ['user\tid', 'may only contain'],
  ])('rejects %j: %s', (raw, rule) => {
    const error = ruleBroken(() => normalizeMetadataKey(raw, SETTING));
    expect(error.setting).toBe(SETTING);
    expect(error.message).toContain(SETTING);
    expect(error.message).toContain(rule);
  });
});

describe('normalizeIdentityKey', () => {
  it.each([
    ['authorization', 'bearer token'],
    ['Authorization', 'bearer token'],
    ['kubeflow-userid-bin', 'binary metadata'],
    ['grpc-status', 'reserved by gRPC'],
  ])('rejects %j: %s', (raw, rule) => {
    expect(ruleBroken(() => normalizeIdentityKey(raw, SETTING)).message).toContain(rule);
  });

  it('accepts the KFP default key', () => {
    expect(normalizeIdentityKey('kubeflow-userid', SETTING)).toBe('kubeflow-userid');
  });
});

describe('normalizeMetadataValue', () => {
  const VALUE = '--userIdentityValue / USER_IDENTITY_VALUE';

  it.each([
    [
      'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow\n',
      'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow',
    ],
    ['  user@example.com  ', 'user@example.com'],
    ['a b', 'a b'],
    ['~!@#$%^&*()', '~!@#$%^&*()'],
    ['x'.repeat(MAX_VALUE_BYTES), 'x'.repeat(MAX_VALUE_BYTES)],
  ])('accepts %j', (raw, expected) => {
    expect(normalizeMetadataValue(raw, VALUE)).toBe(expected);
  });

  it.each([
    ['', 'is empty'],
    [' \t\n', 'is empty'],
    ['user\u0000id', 'outside printable ASCII (0x20-0x7E) at position 4'],
    ['usér', 'outside printable ASCII (0x20-0x7E) at position 2'],
    ['a\tb', 'outside printable ASCII'],
    ['a\u007fb', 'outside printable ASCII'],
    ['x'.repeat(MAX_VALUE_BYTES + 1), `at most ${MAX_VALUE_BYTES}`],
  ])('rejects %j: %s', (raw, rule) => {
    const error = ruleBroken(() => normalizeMetadataValue(raw, VALUE));
    expect(error.setting).toBe(VALUE);
    expect(error.message).toContain(rule);
  });

  it('never repeats the value in the message', () => {
    const secret = 'sécret-token';
    expect(ruleBroken(() => normalizeMetadataValue(secret, VALUE)).message).not.toContain('cret');
  });
});
