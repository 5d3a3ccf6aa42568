import {
  ANNOTATION_RUN_NOW,
  ANNOTATION_RUN_NOW_HONOURED,
  ANNOTATION_STARTING_DEADLINE_SECONDS,
  ANNOTATION_TIME_ZONE,
  MAX_RUN_NOW_LENGTH,
  parseStartingDeadlineSeconds,
  parseTimeZone,
  pendingRunNow,
  readAnnotations,
  withRunNowHonoured,
} from './annotations.js';
import { AnnotationError } from './errors.js';
import type { ScheduledWorkflow } from './types.js';

function annotationError(fn: () => unknown): AnnotationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AnnotationError) return error;
    throw error;
  }
  throw new Error('expected an AnnotationError');
}

describe('annotation names', () => {
  it('share the prefix of the controller labels', () => {
    expect([ANNOTATION_TIME_ZONE, ANNOTATION_STARTING_DEADLINE_SECONDS, ANNOTATION_RUN_NOW]).toEqual([
      'scheduledworkflows.kubeflow.org/time-zone',
      'scheduledworkflows.kubeflow.org/starting-deadline-seconds',
      'scheduledworkflows.kubeflow.org/run-now',
    ]);
  });
});

describe('parseTimeZone', () => {
  it.each([
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['UTC', 'UTC'],
    ['  America/New_York\n', 'America/New_York'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
  ])('loads %j as %s', (value, name) => {
    expect(parseTimeZone(value)?.name).toBe(name);
  });

  it('reads Asia/Kolkata as UTC+05:30 all year (no daylight-saving time)', () => {
    const zone = parseTimeZone('Asia/Kolkata');
    expect(zone?.offsetAt(Date.parse('2026-01-15T00:00:00Z') / 1000)).toBe(19_800);
    expect(zone?.offsetAt(Date.parse('2026-07-15T00:00:00Z') / 1000)).toBe(19_800);
  });

  it('is null without the annotation', () => {
    expect(parseTimeZone(undefined)).toBeNull();
  });

  it.each([
    ['Mars/Olympus', 'is not a known IANA time zone'],
    ['Local', 'is not a known IANA time zone'],
    ['+05:30', 'is not a known IANA time zone'],
    ['', 'must name an IANA time zone'],
    ['   ', 'must name an IANA time zone'],
  ])('rejects %j, naming the annotation and the rule', (value, rule) => {
    const error = annotationError(() => parseTimeZone(value));
    expect(error.field).toBe('metadata.annotations["scheduledworkflows.kubeflow.org/time-zone"]');
    expect(error.rule).toContain(rule);
  });
});

describe('parseStartingDeadlineSeconds', () => {
  it.each([
    ['0', 0],
    ['30', 30],
    [' 600 ', 600],
    ['86400', 86_400],
  ])('reads %j as %d seconds', (value, seconds) => {
    expect(parseStartingDeadlineSeconds(value)).toBe(seconds);
  });

  it('is null without the annotation', () => {
    expect(parseStartingDeadlineSeconds(undefined)).toBeNull();
  });

  it.each(['', '-1', '1.5', '1e3', '30s', 'ten', '+5', '99999999999999999999'])(
    'rejects %j, naming the annotation and the rule',
    (value) => {
      const error = annotationError(() => parseStartingDeadlineSeconds(value));
      expect(error.field).toBe(
        'metadata.annotations["scheduledworkflows.kubeflow.org/starting-deadline-seconds"]',
      );
      expect(error.rule).toBe(`must be a whole number of seconds, 0 or more, got "${value}"`);
    },
  );
});

describe('pendingRunNow', () => {
  it.each([
    ['no annotations', undefined, null],
    ['no run-now', { other: 'x' }, null],
    ['a first value', { [ANNOTATION_RUN_NOW]: '2026-03-01T10:00:00Z' }, '2026-03-01T10:00:00Z'],
    ['the value last honoured', { [ANNOTATION_RUN_NOW]: 'a', [ANNOTATION_RUN_NOW_HONOURED]: 'a' }, null],
    ['a new value', { [ANNOTATION_RUN_NOW]: 'b', [ANNOTATION_RUN_NOW_HONOURED]: 'a' }, 'b'],
    [
      'a value differing only in case',
      { [ANNOTATION_RUN_NOW]: 'A', [ANNOTATION_RUN_NOW_HONOURED]: 'a' },
      'A',
    ],
    ['an honoured value with the request removed', { [ANNOTATION_RUN_NOW_HONOURED]: 'a' }, null],
  ])('with %s', (_case, annotations, pending) => {
    expect(pendingRunNow(annotations)).toBe(pending);
  });

  it.each([
    ['an empty value', '', 'must not be empty'],
    ['a blank value', '  ', 'must not be empty'],
    ['a value too long', 'x'.repeat(MAX_RUN_NOW_LENGTH + 1), `at most ${MAX_RUN_NOW_LENGTH} characters`],
  ])('rejects %s, naming the annotation and the rule', (_case, value, rule) => {
    const error = annotationError(() => pendingRunNow({ [ANNOTATION_RUN_NOW]: value }));
    expect(error.field).toBe('metadata.annotations["scheduledworkflows.kubeflow.org/run-now"]');
    expect(error.rule).toContain(rule);
  });
});

describe('readAnnotations', () => {
  const swf = (annotations?: Record<string, string>): ScheduledWorkflow => ({
    metadata: { name: 's', ...(annotations && { annotations }) },
    spec: {},
  });

  it('reads nothing from a resource without annotations', () => {
    expect(readAnnotations(swf())).toEqual({
      zone: null,
      startingDeadlineSeconds: null,
      pendingRunNow: null,
    });
  });

  it('reads all three', () => {
    const read = readAnnotations(
      swf({
        [ANNOTATION_TIME_ZONE]: 'Asia/Kolkata',
        [ANNOTATION_STARTING_DEADLINE_SECONDS]: '60',
        [ANNOTATION_RUN_NOW]: 'now',
      }),
    );
    expect(read.zone?.name).toBe('Asia/Kolkata');
    expect(read.startingDeadlineSeconds).toBe(60);
    expect(read.pendingRunNow).toBe('now');
  });

  it('fails on the first invalid one', () => {
    const error = annotationError(() =>
      readAnnotations(swf({ [ANNOTATION_TIME_ZONE]: 'UTC', [ANNOTATION_STARTING_DEADLINE_SECONDS]: '-5' })),
    );
    expect(error.message).toBe(
      'metadata.annotations["scheduledworkflows.kubeflow.org/starting-deadline-seconds"]: must be a whole number of seconds, 0 or more, got "-5"',
    );
  });
});

describe('withRunNowHonoured', () => {
  it('records the value in a copy, keeping the other annotations', () => {
    const annotations = Object.freeze({ [ANNOTATION_RUN_NOW]: 'v', team: 'blue' });
    expect(withRunNowHonoured(annotations, 'v')).toEqual({
      [ANNOTATION_RUN_NOW]: 'v',
      team: 'blue',
      [ANNOTATION_RUN_NOW_HONOURED]: 'v',
    });
    expect(withRunNowHonoured(undefined, 'v')).toEqual({ [ANNOTATION_RUN_NOW_HONOURED]: 'v' });
  });
});
