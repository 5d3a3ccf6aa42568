import { recurringRunRunId } from './run-ids.js';

describe('recurringRunRunId', () => {
  // Expected IDs come from KFP's own derivation: Go's uuid.NewSHA1(namespace, name) (github.com/google/uuid
  // v1.6.0) for the first row, Python's uuid.uuid5 (the same RFC 4122 algorithm) for the second.
  it.each([
    ['swf-uid', 'nightly-1', '8283be69-b7da-5003-8f30-d1685f13cb9d'],
    [
      '0b7c6a1e-2f3d-4e5f-8a9b-1c2d3e4f5a6b',
      'nightly-run-2-1700000000',
      'fc4f3736-c532-5a62-b559-0ae7611869f0',
    ],
  ])('derives the run ID KFP gives recurring run %s, run %s', (recurringRunId, displayName, expected) => {
    expect(recurringRunRunId(recurringRunId, displayName)).toBe(expected);
  });

  it('gives different names different IDs', () => {
    expect(recurringRunRunId('swf-uid', 'nightly-1')).not.toBe(recurringRunRunId('swf-uid', 'nightly-2'));
  });
});
