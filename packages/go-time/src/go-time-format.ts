/**
 * Go's `time.Time.Format` for a Unix epoch in UTC: the layout language of the reference time
 * `Mon Jan 2 15:04:05 MST 2006`. Upstream formats `[[ScheduledTime.<layout>]]` macros with it, so
 * users' layouts must print exactly what Go prints, including its tokenising quirks
 * (`Janet` is literal text, `_2006` is `_` then the year, `.000` is a fraction only at the end of a
 * run of digits).
 */

import { type CivilTime, civilTime } from './calendar.js';

/** RFC 3339 in UTC to the second, as Kubernetes serialises `metav1.Time`. */
export const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Renders one layout element from calendar fields (the zone is always UTC). */
type Element = (t: CivilTime) => string;

/** Go's appendInt: sign, then the magnitude zero-padded to `width` digits. */
export function padInt(value: number, width: number): string {
  return (value < 0 ? '-' : '') + String(Math.abs(value)).padStart(width, '0');
}

const hour12 = (t: CivilTime): number => t.hour % 12 || 12;
const utcOffset =
  (text: string): Element =>
  () =>
    text;

/**
 * Elements by their layout text, grouped by first character and longest first, as Go's
 * `nextStdChunk` tries them.
 */
const ELEMENTS: Record<string, ReadonlyArray<readonly [string, Element]>> = {
  J: [
    ['January', (t) => MONTHS[t.month - 1] ?? ''],
    ['Jan', (t) => (MONTHS[t.month - 1] ?? '').slice(0, 3)],
  ],
  M: [
    ['Monday', (t) => WEEKDAYS[t.weekday] ?? ''],
    ['Mon', (t) => (WEEKDAYS[t.weekday] ?? '').slice(0, 3)],
    ['MST', utcOffset('UTC')],
  ],
  '0': [
    ['01', (t) => padInt(t.month, 2)],
    ['02', (t) => padInt(t.day, 2)],
    ['03', (t) => padInt(hour12(t), 2)],
    ['04', (t) => padInt(t.minute, 2)],
    ['05', (t) => padInt(t.second, 2)],
    ['06', (t) => padInt(Math.abs(t.year) % 100, 2)],
    ['002', (t) => padInt(t.yearDay, 3)],
  ],
  '1': [
    ['15', (t) => padInt(t.hour, 2)],
    ['1', (t) => String(t.month)],
  ],
  '2': [
    ['2006', (t) => padInt(t.year, 4)],
    ['2', (t) => String(t.day)],
  ],
  _: [
    ['__2', (t) => String(t.yearDay).padStart(3, ' ')],
    ['_2', (t) => String(t.day).padStart(2, ' ')],
  ],
  '3': [['3', (t) => String(hour12(t))]],
  '4': [['4', (t) => String(t.minute)]],
  '5': [['5', (t) => String(t.second)]],
  P: [['PM', (t) => (t.hour >= 12 ? 'PM' : 'AM')]],
  p: [['pm', (t) => (t.hour >= 12 ? 'pm' : 'am')]],
  '-': [
    ['-070000', utcOffset('+000000')],
    ['-07:00:00', utcOffset('+00:00:00')],
    ['-0700', utcOffset('+0000')],
    ['-07:00', utcOffset('+00:00')],
    ['-07', utcOffset('+00')],
  ],
  Z: [
    ['Z070000', utcOffset('Z')],
    ['Z07:00:00', utcOffset('Z')],
    ['Z0700', utcOffset('Z')],
    ['Z07:00', utcOffset('Z')],
    ['Z07', utcOffset('Z')],
  ],
};

/** `Jan` and `Mon` are words only when no lower-case letter follows (`Month` is literal text). */
const NEEDS_WORD_END = new Set(['Jan', 'Mon']);
const isLowerCase = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Length of a fractional-second element (`.000`, `,99`) at `i`, or 0. */
function fractionLength(layout: string, i: number): number {
  const digit = layout[i + 1];
  if (digit !== '0' && digit !== '9') return 0;
  let end = i + 1;
  while (layout[end] === digit) end += 1;
  return isDigit(layout[end]) ? 0 : end - i;
}

/** The element starting at `i`, with its length, or undefined when `layout[i]` is literal text. */
function elementAt(layout: string, i: number): { length: number; render: Element } | undefined {
  const c = layout[i] ?? '';
  const fraction = c === '.' || c === ',' ? fractionLength(layout, i) : 0;
  if (fraction > 0) {
    // Epochs are whole seconds: `.000` prints zeros (at most nine), `.999` prints nothing.
    const zeros = layout[i + 1] === '0' ? c + '0'.repeat(Math.min(fraction - 1, 9)) : '';
    return { length: fraction, render: () => zeros };
  }
  if (c === '_' && layout.startsWith('_2006', i)) return undefined;
  for (const [text, render] of ELEMENTS[c] ?? []) {
    if (!layout.startsWith(text, i)) continue;
    if (NEEDS_WORD_END.has(text) && isLowerCase(layout[i + text.length])) continue;
    return { length: text.length, render };
  }
  return undefined;
}

/** Formats a Unix epoch (seconds) in UTC with a Go time layout, as `time.Unix(epoch, 0).UTC().Format(layout)`. */
export function formatGoTime(layout: string, epoch: number): string {
  const t = civilTime(epoch);
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const element = elementAt(layout, i);
    if (element) {
      out += element.render(t);
      i += element.length;
    } else {
      out += layout[i];
      i += 1;
    }
  }
  return out;
}

/** A Unix epoch as Kubernetes writes a `metav1.Time`: `2026-01-02T03:04:05Z`. */
export function formatKubeTime(epoch: number): string {
  return formatGoTime(RFC3339_LAYOUT, epoch);
}
