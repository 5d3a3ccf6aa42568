import { benchCron, burstCron, burstSecond, FireTimes, runIndexOf } from './schedules.js';

const START = Date.UTC(2025, 0, 1, 0, 0, 0) / 1000;

describe('benchCron', () => {
  it.each([
    [0, 10, '0/10 * * * * *'],
    [13, 10, '3/10 * * * * *'],
    [59, 60, '59 * * * * *'],
    [61, 120, '1 1/2 * * * *'],
    [3599, 3600, '59 59/60 * * * *'],
  ])('gives resource %i with period %i s "%s"', (index, period, expected) => {
    expect(benchCron(index, period)).toBe(expected);
  });

  it.each([10, 60, 120])(
    'spreads one period of resources over distinct seconds, each firing once a period (%i s)',
    (period) => {
      const firsts = Array.from(
        { length: period },
        (_, index) => new FireTimes(benchCron(index, period), START),
      );
      const offsets = new Set(firsts.map((fires) => fires.due(1) - START));
      expect(offsets.size).toBe(period);
      for (const fires of firsts) expect(fires.due(3) - fires.due(2)).toBe(period);
    },
  );
});

describe('FireTimes', () => {
  const fires = new FireTimes('3/10 * * * * *', START);

  it.each([
    [1, START + 3],
    [2, START + 13],
    [7, START + 63],
  ])('puts run %i at the matching fire after the start', (index, due) => {
    expect(fires.due(index)).toBe(due);
  });

  it('counts the fires in a half-open window', () => {
    expect(fires.countIn(START + 3, START + 33)).toBe(3);
    expect(fires.countIn(START + 4, START + 34)).toBe(3);
    expect(fires.countIn(START, START + 3)).toBe(0);
  });
});

describe('runIndexOf', () => {
  it('reads the index of a run name', () => {
    expect(runIndexOf('bench-12-7-123456789')).toBe(7);
  });

  it('rejects a name without index and hash', () => {
    expect(() => runIndexOf('bench-12')).toThrow(RangeError);
  });
});

describe('burstSecond', () => {
  it.each([
    [START, START],
    [START + 1, START + 60],
    [START + 59, START + 60],
  ])('puts a burst planned from %i at the whole minute %i', (earliest, due) => {
    expect(burstSecond(earliest)).toBe(due);
  });
});

describe('burstCron', () => {
  const due = Date.UTC(2025, 0, 1, 9, 37, 0) / 1000;

  it('names second 0 of the minute, every hour', () => {
    expect(burstCron(due)).toBe('0 37 * * * *');
  });

  it.each([due - 60, due - 3599])(
    'first fires at the burst after a start at %i, then an hour later',
    (start) => {
      const fires = new FireTimes(burstCron(due), start);
      expect(fires.due(1)).toBe(due);
      expect(fires.due(2)).toBe(due + 3600);
    },
  );

  it('rejects a second that is not a whole minute', () => {
    expect(() => burstCron(due + 1)).toThrow(RangeError);
  });
});
