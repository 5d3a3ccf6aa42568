/**
 * Per-resource options beyond upstream, as annotations with the prefix `scheduledworkflows.kubeflow.org/`:
 * the CRD, the KFP API server and the KFP UI stay upstream's and know nothing of them, so each is
 * opt-in on the resource that carries it. A value that breaks its rule is an {@link AnnotationError}
 * naming the annotation and the rule: the resource then gets the `Error` condition and starts nothing.
 */

import { loadZone, ScheduleError, type Zone } from '@swf/go-time';
import { AnnotationError } from './errors.js';
import type { ScheduledWorkflow } from './types.js';

const PREFIX = 'scheduledworkflows.kubeflow.org/';

/** IANA zone the resource's cron expression is read in, instead of `CRON_SCHEDULE_TIMEZONE`. */
export const ANNOTATION_TIME_ZONE = `${PREFIX}time-zone`;
/** Seconds after its time within which a tick may still start; a later tick is skipped. */
export const ANNOTATION_STARTING_DEADLINE_SECONDS = `${PREFIX}starting-deadline-seconds`;
/** Any new value starts one extra run at once. */
export const ANNOTATION_RUN_NOW = `${PREFIX}run-now`;
/** Written by the controller with the run that honours it: the `run-now` value last honoured. */
export const ANNOTATION_RUN_NOW_HONOURED = `${PREFIX}run-now-honoured`;

/** Longest `run-now` value: it is copied into {@link ANNOTATION_RUN_NOW_HONOURED}. */
export const MAX_RUN_NOW_LENGTH = 256;

const WHOLE_SECONDS = /^[0-9]+$/;

/** The field an annotation is named by in errors and conditions: `metadata.annotations["<key>"]`. */
export function annotationField(key: string): string {
  return `metadata.annotations["${key}"]`;
}

/** What the annotations of one resource ask for. */
export interface ScheduleAnnotations {
  /** The zone named by `time-zone`; null: the controller's (`CRON_SCHEDULE_TIMEZONE`). */
  readonly zone: Zone | null;
  /** `starting-deadline-seconds`; null: no deadline, late ticks run late (upstream's behaviour). */
  readonly startingDeadlineSeconds: number | null;
  /** The `run-now` value not honoured yet; null when there is none. */
  readonly pendingRunNow: string | null;
}

/**
 * The zone named by a `time-zone` value (surrounding white space ignored), loaded with the same
 * rules as `CRON_SCHEDULE_TIMEZONE`; null when the annotation is absent.
 *
 * @throws AnnotationError for an empty value or a name the runtime's IANA data does not know
 */
export function parseTimeZone(value: string | undefined): Zone | null {
  if (value === undefined) return null;
  const field = annotationField(ANNOTATION_TIME_ZONE);
  const name = value.trim();
  if (name === '') {
    throw new AnnotationError(
      field,
      'must name an IANA time zone such as Asia/Kolkata; remove the annotation to use the controller zone',
    );
  }
  try {
    return loadZone(name, field);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    throw new AnnotationError(field, `"${name}" is not a known IANA time zone (such as Asia/Kolkata)`);
  }
}

/**
 * A `starting-deadline-seconds` value: a whole number of seconds, 0 or more (surrounding white
 * space ignored); null when the annotation is absent.
 *
 * @throws AnnotationError for anything else
 */
export function parseStartingDeadlineSeconds(value: string | undefined): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  const seconds = Number(text);
  if (!WHOLE_SECONDS.test(text) || !Number.isSafeInteger(seconds)) {
    throw new AnnotationError(
      annotationField(ANNOTATION_STARTING_DEADLINE_SECONDS),
      `must be a whole number of seconds, 0 or more, got "${value}"`,
    );
  }
  return seconds;
}

/**
 * The `run-now` value still to be honoured: set, and not the value last honoured. Compared exactly
 * as written, so any new value (the `run-now` command writes the current time) asks for one run.
 *
 * @throws AnnotationError for an empty value or one longer than {@link MAX_RUN_NOW_LENGTH}
 */
export function pendingRunNow(annotations: Readonly<Record<string, string>> | undefined): string | null {
  const value = annotations?.[ANNOTATION_RUN_NOW];
  if (value === undefined) return null;
  const field = annotationField(ANNOTATION_RUN_NOW);
  if (value.trim() === '') {
    throw new AnnotationError(
      field,
      'must not be empty: set a new value (such as the current time) to start one run now',
    );
  }
  if (value.length > MAX_RUN_NOW_LENGTH) {
    throw new AnnotationError(field, `must be at most ${MAX_RUN_NOW_LENGTH} characters, got ${value.length}`);
  }
  return value === annotations?.[ANNOTATION_RUN_NOW_HONOURED] ? null : value;
}

/**
 * Reads every annotation of `swf` this controller honours.
 *
 * @throws AnnotationError naming the first annotation whose value breaks its rule
 */
export function readAnnotations(swf: ScheduledWorkflow): ScheduleAnnotations {
  const annotations = swf.metadata.annotations;
  return {
    zone: parseTimeZone(annotations?.[ANNOTATION_TIME_ZONE]),
    startingDeadlineSeconds: parseStartingDeadlineSeconds(
      annotations?.[ANNOTATION_STARTING_DEADLINE_SECONDS],
    ),
    pendingRunNow: pendingRunNow(annotations),
  };
}

/** The annotations with `value` recorded as the `run-now` value last honoured (a new object). */
export function withRunNowHonoured(
  annotations: Readonly<Record<string, string>> | undefined,
  value: string,
): Record<string, string> {
  return { ...annotations, [ANNOTATION_RUN_NOW_HONOURED]: value };
}
