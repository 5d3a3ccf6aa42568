import { status } from '@grpc/grpc-js';
import { isUnknownOutcome, UnknownOutcomes } from './unknown-outcomes.js';

describe('isUnknownOutcome', () => {
  it.each([
    [status.DEADLINE_EXCEEDED, true],
    [status.CANCELLED, true],
    [status.UNAVAILABLE, false],
    [status.UNAUTHENTICATED, false],
    [status.PERMISSION_DENIED, false],
    [status.INVALID_ARGUMENT, false],
  ])('code %i leaves the outcome unknown: %s', (code, unknown) => {
    expect(isUnknownOutcome(Object.assign(new Error('x'), { code }))).toBe(unknown);
  });

  it('is false for errors that are not gRPC failures', () => {
    expect(isUnknownOutcome(new Error('boom'))).toBe(false);
    expect(isUnknownOutcome(undefined)).toBe(false);
  });
});

describe('UnknownOutcomes', () => {
  it('holds a run back for the grace period after an unanswered call, then lets it go', () => {
    const outcomes = new UnknownOutcomes(60_000);
    outcomes.record('r', 1_000);
    expect(outcomes.waitUntil('r', 1_000)).toBe(61_000);
    expect(outcomes.waitUntil('r', 60_999)).toBe(61_000);
    expect(outcomes.waitUntil('r', 61_000)).toBeNull();
    expect(outcomes.waitUntil('r', 1_000)).toBeNull();
  });

  it('lets a run go once its outcome is known, and holds only that run', () => {
    const outcomes = new UnknownOutcomes(60_000);
    outcomes.record('r', 0);
    outcomes.record('s', 0);
    outcomes.resolve('r');
    expect(outcomes.waitUntil('r', 1)).toBeNull();
    expect(outcomes.waitUntil('s', 1)).toBe(60_000);
  });

  it('forgets runs nobody asks about again (their resource deleted) once their grace period is over', () => {
    const outcomes = new UnknownOutcomes(60_000);
    outcomes.record('gone', 0);
    outcomes.record('held', 30_000);
    outcomes.record('new', 60_000);
    expect(outcomes.size).toBe(2);
    expect(outcomes.waitUntil('held', 60_000)).toBe(90_000);
  });
});
