import { parseOptionalRfc3339, parseRfc3339, resolveTimeWindow } from './times.js';

const FIELD = 'spec.trigger.cronSchedule.startTime';

describe('parseRfc3339', () => {
  it.each([
    ['2024-01-31T09:00:00Z', 1706691600],
    ['2024-01-31T10:00:00+01:00', 1706691600],
    ['2024-01-31T04:30:00-04:30', 1706691600],
    ['2024-01-31T09:00:00.999999999Z', 1706691600],
    ['1969-12-31T23:59:59.5Z', -1],
    ['2024-02-29T00:00:00Z', 1709164800],
    ['0001-01-01T00:00:00Z', -62135596800],
  ])('reads %s as %d', (text, expected) => {
    expect(parseRfc3339(text, FIELD)).toBe(expected);
  });

  it.each([
    ['2024-01-31', 'RFC 3339'],
    ['2024-01-31 09:00:00Z', 'RFC 3339'],
    ['2024-01-31t09:00:00z', 'RFC 3339'],
    ['2024-01-31T09:00:00', 'RFC 3339'],
    ['2024-01-31T9:00:00Z', 'RFC 3339'],
    ['1706691600', 'RFC 3339'],
    ['2023-02-29T00:00:00Z', 'out of range'],
    ['2024-04-31T00:00:00Z', 'out of range'],
    ['2024-01-31T24:00:00Z', 'out of range'],
    ['2024-01-31T09:00:60Z', 'out of range'],
    ['2024-01-31T09:00:00+24:00', 'out of range'],
  ])('rejects %j: %s', (text, rule) => {
    expect(() => parseRfc3339(text, FIELD)).toThrow(
      expect.objectContaining({ name: 'ScheduleError', field: FIELD, rule: expect.stringContaining(rule) }),
    );
  });

  it.each([null, undefined])('treats %s as absent when optional', (text) => {
    expect(parseOptionalRfc3339(text, FIELD)).toBeUndefined();
  });
});

describe('resolveTimeWindow', () => {
  it('allows an end time equal to the start time', () => {
    expect(
      resolveTimeWindow({ startTime: '2024-01-01T00:00:00Z', endTime: '2024-01-01T00:00:00Z' }, 'x'),
    ).toEqual({
      startEpoch: 1704067200,
      endEpoch: 1704067200,
    });
  });

  it('leaves out what is not set', () => {
    expect(resolveTimeWindow({ startTime: null }, 'x')).toEqual({
      startEpoch: undefined,
      endEpoch: undefined,
    });
  });
});
