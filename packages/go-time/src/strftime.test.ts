import { StrftimePatternError, strftime } from './strftime.js';

/** 2021-03-04T05:06:07Z, a Thursday, day 63. */
const MORNING = 1614834367;
/** 2024-12-30T13:00:09Z, a Monday in ISO week 2025-W01. */
const AFTERNOON = 1735563609;

// Expected values are what lestrrat-go/strftime v1.2.0 with WithUnixSeconds('s') prints, as upstream runs it.
describe('strftime', () => {
  it.each([
    ['%A', 'Thursday'],
    ['%a', 'Thu'],
    ['%B', 'March'],
    ['%b', 'Mar'],
    ['%C', '20'],
    ['%c', 'Thu Mar  4 05:06:07 2021'],
    ['%D', '03/04/21'],
    ['%d', '04'],
    ['%e', ' 4'],
    ['%F', '2021-03-04'],
    ['%G', '2021'],
    ['%g', '21'],
    ['%H', '05'],
    ['%h', 'Mar'],
    ['%I', '05'],
    ['%j', '063'],
    ['%k', ' 5'],
    ['%l', ' 5'],
    ['%M', '06'],
    ['%m', '03'],
    ['%n', '\n'],
    ['%p', 'AM'],
    ['%R', '05:06'],
    ['%r', '05:06:07 AM'],
    ['%S', '07'],
    ['%s', '1614834367'],
    ['%T', '05:06:07'],
    ['%t', '\t'],
    ['%U', '09'],
    ['%u', '4'],
    ['%V', '09'],
    ['%v', ' 4-Mar-2021'],
    ['%W', '09'],
    ['%w', '4'],
    ['%X', '05:06:07'],
    ['%x', '03/04/21'],
    ['%Y', '2021'],
    ['%y', '21'],
    ['%Z', 'UTC'],
    ['%z', '+0000'],
    ['%%', '%'],
    ['%Y-%m-%d %H:%M:%S', '2021-03-04 05:06:07'],
    ['%%Y', '%Y'],
    ['100%%', '100%'],
  ])('prints %j as %j', (pattern, expected) => {
    expect(strftime(pattern, MORNING)).toBe(expected);
  });

  it.each([
    ['%G', '2025'],
    ['%g', '25'],
    ['%U', '52'],
    ['%V', '01'],
    ['%W', '53'],
    ['%j', '365'],
    ['%u', '1'],
    ['%w', '1'],
    ['%I %l %p', '01  1 PM'],
    ['%r', '01:00:09 PM'],
  ])('prints %j across a year boundary and after noon as %j', (pattern, expected) => {
    expect(strftime(pattern, AFTERNOON)).toBe(expected);
  });

  it.each([
    ['%-d', '4'],
    ['%-m', '3'],
    ['%#H', '5'],
    ['%-e', '4'],
    ['%-z', '+0'],
    ['%-k', '5'],
    ['%-j', '63'],
    ['%-S', '7'],
    ['%-a', 'Thu'],
  ])('drops padding for the %j flag form: %j', (pattern, expected) => {
    expect(strftime(pattern, MORNING)).toBe(expected);
  });

  it.each([
    ['%buary', 'March'],
    ['%aday', 'Thursday'],
    ['_%e', ' 63'],
    ['P%a', 'AMon'],
    ['%be', 'Jane'],
  ])('reads literal text joined to %j as a Go layout, as upstream does: %j', (pattern, expected) => {
    expect(strftime(pattern, MORNING)).toBe(expected);
  });

  it.each([
    ['%q', 'not a known directive'],
    ['%', 'stray %'],
    ['abc%', 'stray %'],
    ['%-', 'stray %'],
  ])('rejects %j: %s', (pattern, rule) => {
    expect(() => strftime(pattern, MORNING)).toThrow(StrftimePatternError);
    expect(() => strftime(pattern, MORNING)).toThrow(rule);
  });
});
