import { civilTime, daysFromCivil, isoWeek } from './calendar.js';

describe('civilTime', () => {
  it.each([
    [0, { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, weekday: 4, yearDay: 1 }],
    [1614834367, { year: 2021, month: 3, day: 4, hour: 5, minute: 6, second: 7, weekday: 4, yearDay: 63 }],
    [1582934400, { year: 2020, month: 2, day: 29, hour: 0, minute: 0, second: 0, weekday: 6, yearDay: 60 }],
    [
      1735563609,
      { year: 2024, month: 12, day: 30, hour: 13, minute: 0, second: 9, weekday: 1, yearDay: 365 },
    ],
    [-1, { year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, weekday: 3, yearDay: 365 }],
    [253402300800, { year: 10000, month: 1, day: 1, hour: 0, minute: 0, second: 0, weekday: 6, yearDay: 1 }],
    [
      -62135596801,
      { year: 0, month: 12, day: 31, hour: 23, minute: 59, second: 59, weekday: 0, yearDay: 366 },
    ],
  ])('breaks epoch %d into UTC calendar fields', (epoch, expected) => {
    expect(civilTime(epoch)).toEqual(expected);
  });

  it('agrees with Date on every day from 1900 to 2200', () => {
    const mismatches: number[] = [];
    for (
      let epoch = Date.UTC(1900, 0, 1) / 1000;
      epoch < Date.UTC(2200, 0, 1) / 1000;
      epoch += 86_400 + 3_661
    ) {
      const date = new Date(epoch * 1000);
      const t = civilTime(epoch);
      const fields = [t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday];
      const reference = [
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        date.getUTCHours(),
        date.getUTCMinutes(),
        date.getUTCSeconds(),
        date.getUTCDay(),
      ];
      if (fields.join() !== reference.join()) mismatches.push(epoch);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('daysFromCivil', () => {
  it.each([
    [1970, 1, 1, 0],
    [2000, 3, 1, 11017],
    [1969, 12, 31, -1],
    [2024, 12, 31, 20088],
  ])('counts %d-%d-%d as day %d after 1970-01-01', (year, month, day, expected) => {
    expect(daysFromCivil(year, month, day)).toBe(expected);
  });
});

describe('isoWeek', () => {
  it.each([
    ['2021-03-04', { year: 2021, week: 9 }],
    ['2024-12-30', { year: 2025, week: 1 }],
    ['2021-01-03', { year: 2020, week: 53 }],
    ['2021-01-04', { year: 2021, week: 1 }],
    ['2026-12-31', { year: 2026, week: 53 }],
  ])('puts %s in ISO week %o', (date, expected) => {
    expect(isoWeek(Date.parse(`${date}T12:00:00Z`) / 1000)).toEqual(expected);
  });
});
