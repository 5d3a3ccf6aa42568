/**
 * strftime as upstream runs it for `{{$.scheduledTime.strftime('...')}}` macros:
 * `github.com/lestrrat-go/strftime` v1.2.0 with `%s` (Unix seconds) added, in UTC.
 *
 * That library renders most directives through Go time layouts and joins a layout directive with
 * neighbouring literal text into one layout when the text holds no digits and none of the words
 * `Mon Jan MST PM pm`. The joined text is then read as a layout, so `%buary` prints the full month
 * name and `_%e` prints the day of the year. Users' patterns must print what upstream printed, so the
 * same joining is reproduced here.
 */

import { civilTime, isoWeek } from './calendar.js';
import { formatGoTime, padInt } from './go-time-format.js';

/** A strftime pattern upstream cannot compile; upstream then leaves the macro as written. */
export class StrftimePatternError extends Error {
  override readonly name = 'StrftimePatternError';

  constructor(
    /** The pattern that was given. */
    readonly pattern: string,
    /** What is wrong with it, in words. */
    readonly rule: string,
  ) {
    super(`strftime pattern ${JSON.stringify(pattern)}: ${rule}`);
  }
}

/** A compiled piece: a Go layout, literal text, or a directive computed directly. */
type Piece =
  | { readonly layout: string }
  | { readonly text: string }
  | { readonly render: (epoch: number) => string };

const layout = (text: string): Piece => ({ layout: text });
const text = (value: string): Piece => ({ text: value });
const render = (fn: (epoch: number) => string): Piece => ({ render: fn });

/** Zero-pads to two digits but never truncates, as the library's week-number and ISO helpers do. */
const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

function spacePaddedHour(twelveHour: boolean): Piece {
  return render((epoch) => {
    let h = civilTime(epoch).hour;
    if (twelveHour && h > 12) h -= 12;
    if (twelveHour && h === 0) h = 12;
    return h < 10 ? ` ${h}` : String(h);
  });
}

/** `%u` (Monday first, 1 to 7) and `%w` (Sunday first, 0 to 6). */
function weekday(first: number): Piece {
  return render((epoch) => {
    const n = civilTime(epoch).weekday;
    return String(n < first ? n + 7 : n);
  });
}

/** `%U` (weeks start on Sunday) and `%W` (weeks start on Monday), 00 to 53. */
function weekNumber(sundayFirst: boolean): Piece {
  return render((epoch) => {
    const { weekday: day, yearDay } = civilTime(epoch);
    const offset = sundayFirst ? 6 - day : day === 0 ? 0 : 7 - day;
    return twoDigits(Math.floor((yearDay + offset) / 7));
  });
}

function twelveHourClockWithMark(epoch: number): string {
  const { hour, minute, second } = civilTime(epoch);
  const h = hour % 12 || 12;
  return `${padInt(h, 2)}:${padInt(minute, 2)}:${padInt(second, 2)} ${hour < 12 ? 'AM' : 'PM'}`;
}

function isoYear(epoch: number): string {
  const { year } = isoWeek(epoch);
  return padInt(year, 4);
}

/** Directives by their letter. */
const DIRECTIVES: Readonly<Record<string, Piece>> = {
  A: layout('Monday'),
  a: layout('Mon'),
  B: layout('January'),
  b: layout('Jan'),
  C: render((epoch) => {
    const century = Math.trunc(civilTime(epoch).year / 100);
    return century < 10 ? `0${century}` : String(century);
  }),
  c: layout('Mon Jan _2 15:04:05 2006'),
  D: layout('01/02/06'),
  d: layout('02'),
  e: layout('_2'),
  F: layout('2006-01-02'),
  G: render(isoYear),
  g: render((epoch) => {
    const { year } = isoWeek(epoch);
    return (year < 0 ? '-' : '') + twoDigits(Math.abs(year) % 100);
  }),
  H: layout('15'),
  h: layout('Jan'),
  I: layout('03'),
  j: render((epoch) => padInt(civilTime(epoch).yearDay, 3)),
  k: spacePaddedHour(false),
  l: spacePaddedHour(true),
  M: layout('04'),
  m: layout('01'),
  n: text('\n'),
  p: layout('PM'),
  R: layout('15:04'),
  r: render(twelveHourClockWithMark),
  S: layout('05'),
  s: render((epoch) => String(epoch)),
  T: layout('15:04:05'),
  t: text('\t'),
  U: weekNumber(true),
  u: weekday(1),
  V: render((epoch) => twoDigits(isoWeek(epoch).week)),
  v: layout('_2-Jan-2006'),
  W: weekNumber(false),
  w: weekday(0),
  X: layout('15:04:05'),
  x: layout('01/02/06'),
  Y: layout('2006'),
  y: layout('06'),
  Z: layout('MST'),
  z: layout('-0700'),
  '%': text('%'),
};

/** Words that keep literal text from joining a layout (besides any digit). */
const JOIN_BLOCKERS = ['Mon', 'Monday', 'Jan', 'January', 'MST', 'PM', 'pm'];

function canJoin(piece: Piece): boolean {
  if ('layout' in piece) return true;
  if ('render' in piece) return false;
  return !/[0-9]/.test(piece.text) && !JOIN_BLOCKERS.some((word) => piece.text.includes(word));
}

function join(previous: Piece, next: Piece): Piece {
  const a = 'layout' in previous ? previous.layout : 'text' in previous ? previous.text : '';
  const b = 'layout' in next ? next.layout : 'text' in next ? next.text : '';
  return 'text' in previous && 'text' in next ? text(a + b) : layout(a + b);
}

/** `%-d` / `%#d`: drop leading blanks and zeros but keep a sign and at least one character. */
function unpadded(inner: Piece): Piece {
  return render((epoch) => {
    const full = renderPiece(inner, epoch).replace(/^ */, '');
    const sign = full[0] === '+' || full[0] === '-' ? full[0] : '';
    const digits = full.slice(sign.length);
    return sign + digits.replace(/^0+(?=[\s\S])/, '');
  });
}

function renderPiece(piece: Piece, epoch: number): string {
  if ('layout' in piece) return formatGoTime(piece.layout, epoch);
  if ('text' in piece) return piece.text;
  return piece.render(epoch);
}

/** Splits a pattern into pieces, joining neighbours as the library does. */
function compile(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  let joinable = false;
  const append = (piece: Piece): void => {
    const last = pieces[pieces.length - 1];
    if (joinable && last && canJoin(piece)) {
      pieces[pieces.length - 1] = join(last, piece);
      return;
    }
    pieces.push(piece);
    joinable = canJoin(piece);
  };
  let rest = pattern;
  while (rest.length > 0) {
    const percent = rest.indexOf('%');
    if (percent < 0) {
      append(text(rest));
      break;
    }
    if (percent > 0) append(text(rest.slice(0, percent)));
    rest = rest.slice(percent);
    const flagged = rest[1] === '-' || rest[1] === '#';
    const letter = rest[flagged ? 2 : 1];
    if (letter === undefined) throw new StrftimePatternError(pattern, 'ends with a stray %');
    const directive = DIRECTIVES[letter];
    if (!directive) throw new StrftimePatternError(pattern, `%${letter} is not a known directive`);
    append(flagged ? unpadded(directive) : directive);
    rest = rest.slice(flagged ? 3 : 2);
  }
  return pieces;
}

/**
 * Formats a Unix epoch (seconds) in UTC with a strftime pattern.
 *
 * @throws StrftimePatternError when the pattern has a stray `%` or an unknown directive.
 */
export function strftime(pattern: string, epoch: number): string {
  return compile(pattern)
    .map((piece) => renderPiece(piece, epoch))
    .join('');
}
