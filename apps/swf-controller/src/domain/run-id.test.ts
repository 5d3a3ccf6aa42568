import { recurringRunRunId } from './run-id.js';

describe('recurringRunRunId', () => {
  it.each([
    // Recorded from the KFP API server (shared/kfp-api-server/workflow-created-by-create-run.yaml):
    // the Workflow's pipeline/runid for the recurring run's uid and the run's display name.
    [
      'a5d74d4d-b820-4558-9dd7-584f5460a901',
      'rr-every-10s5zmft-2-2822404027',
      'c79ae583-8111-5080-8802-a3316ce6b721',
    ],
  ])('derives the ID the API server gave run %s/%s', (recurringRunId, displayName, runId) => {
    expect(recurringRunRunId(recurringRunId, displayName)).toBe(runId);
  });

  it('is a version 5 UUID that changes with the display name', () => {
    const first = recurringRunRunId('uid', 'nightly-1-1');
    const second = recurringRunRunId('uid', 'nightly-2-1');
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
    expect(recurringRunRunId('uid', 'nightly-1-1')).toBe(first);
  });
});
