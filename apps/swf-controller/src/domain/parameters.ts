/**
 * Macros in workflow parameter values, as upstream's `SWFParameterFormatter`
 * (`backend/src/common/util/parameter_formatter.go`):
 *
 * - `[[RunUUID]]`, `[[Index]]`
 * - `[[ScheduledTime]]`, `[[CurrentTime]]`: `20060102150405` in UTC
 * - `[[ScheduledTime.<Go layout>]]`, `[[CurrentTime.<Go layout>]]`
 * - `{{$.scheduledTime.strftime('<pattern>')}}`, `{{$.currentTime.strftime('<pattern>')}}`
 *
 * A macro whose value is not given, or that is not recognised, stays as written.
 */

import { formatGoTime, StrftimePatternError, strftime } from '@swf/go-time';

/** Values the macros expand to; a missing one leaves its macros untouched. */
export interface MacroValues {
  /** Run ID; an empty string counts as missing, as upstream. */
  readonly runUuid?: string;
  /** Epoch (seconds) the run is scheduled for. */
  readonly scheduledEpoch?: number;
  /** Epoch (seconds) the run is started at. */
  readonly nowEpoch?: number;
  /** 1-based index of the run. */
  readonly index?: number;
}

/** Layout of `[[ScheduledTime]]` and `[[CurrentTime]]`. */
export const DEFAULT_MACRO_TIME_LAYOUT = '20060102150405';

/** `[[...]]` or `{{$....}}`, each ending at the first closing pair; `.` in Go's RE2 stops at newlines. */
const MACRO_PATTERN = /\[\[[^\n]*?\]\]|\{\{\$\.[^\n]*?\}\}/g;

interface Macro {
  /** Text the macro starts with (the whole macro when it takes no argument). */
  readonly prefix: string;
  /** Text removed after the prefix to leave the argument. */
  readonly suffix: string;
  /** The expansion, or undefined to leave the macro as written. */
  readonly expand: (argument: string, values: MacroValues) => string | undefined;
}

const goTime = (layout: string, epoch: number | undefined): string | undefined =>
  epoch === undefined ? undefined : formatGoTime(layout, epoch);

function strftimeOrAsWritten(pattern: string, epoch: number | undefined): string | undefined {
  if (epoch === undefined) return undefined;
  try {
    return strftime(pattern, epoch);
  } catch (error) {
    if (error instanceof StrftimePatternError) return undefined;
    throw error;
  }
}

const MACROS: readonly Macro[] = [
  { prefix: '[[RunUUID]]', suffix: '', expand: (_, v) => v.runUuid || undefined },
  {
    prefix: '[[ScheduledTime]]',
    suffix: '',
    expand: (_, v) => goTime(DEFAULT_MACRO_TIME_LAYOUT, v.scheduledEpoch),
  },
  { prefix: '[[CurrentTime]]', suffix: '', expand: (_, v) => goTime(DEFAULT_MACRO_TIME_LAYOUT, v.nowEpoch) },
  {
    prefix: '[[Index]]',
    suffix: '',
    expand: (_, v) => (v.index === undefined ? undefined : String(v.index)),
  },
  { prefix: '[[ScheduledTime.', suffix: ']]', expand: (layout, v) => goTime(layout, v.scheduledEpoch) },
  { prefix: '[[CurrentTime.', suffix: ']]', expand: (layout, v) => goTime(layout, v.nowEpoch) },
  {
    prefix: "{{$.scheduledTime.strftime('",
    suffix: "')}}",
    expand: (pattern, v) => strftimeOrAsWritten(pattern, v.scheduledEpoch),
  },
  {
    prefix: "{{$.currentTime.strftime('",
    suffix: "')}}",
    expand: (pattern, v) => strftimeOrAsWritten(pattern, v.nowEpoch),
  },
];

/** Replaces the first occurrence only, with `replacement` taken literally (no `$&` patterns). */
function replaceFirst(text: string, search: string, replacement: string): string {
  const at = text.indexOf(search);
  return at < 0 ? text : text.slice(0, at) + replacement + text.slice(at + search.length);
}

function expandMacro(match: string, values: MacroValues): string {
  for (const macro of MACROS) {
    if (!match.startsWith(macro.prefix)) continue;
    const argument = replaceFirst(replaceFirst(match, macro.prefix, ''), macro.suffix, '');
    return macro.expand(argument, values) ?? match;
  }
  return match;
}

/**
 * Expands the macros in one parameter value.
 *
 * Like upstream, each macro found in the original text replaces the first occurrence of its own
 * text in the result so far, one after the other.
 */
export function formatMacros(text: string, values: MacroValues): string {
  let result = text;
  for (const match of text.match(MACRO_PATTERN) ?? []) {
    result = replaceFirst(result, match, expandMacro(match, values));
  }
  return result;
}

/** Expands the macros in every value of a name-to-value map. */
export function formatParameters(
  parameters: Readonly<Record<string, string>>,
  values: MacroValues,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => [name, formatMacros(value, values)]),
  );
}
