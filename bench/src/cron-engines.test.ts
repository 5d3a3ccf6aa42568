import { BENCH_EXPRESSIONS, benchInstants, CRON_PARSER, CRONER, OURS } from './cron-engines.js';

const INSTANTS = benchInstants(50);

describe('the engines compared', () => {
  it('all accept every expression but the @every descriptor, which only ours knows', () => {
    const rejected = (engine: typeof OURS) =>
      BENCH_EXPRESSIONS.filter((expression) => engine.compile(expression, 'UTC') === null);
    expect(rejected(OURS)).toEqual([]);
    expect(rejected(CRON_PARSER)).toEqual(['@every 90s']);
    expect(rejected(CRONER)).toEqual(['@every 90s']);
  });

  it.each(BENCH_EXPRESSIONS.filter((e) => !e.startsWith('@every')))(
    'agree with ours in UTC on "%s", in epoch milliseconds',
    (expression) => {
      const ours = OURS.compile(expression, 'UTC');
      const answers = (engine: typeof OURS) => {
        const compiled = engine.compile(expression, 'UTC');
        return INSTANTS.map((at) => compiled?.next(at));
      };
      const expected = INSTANTS.map((at) => ours?.next(at));
      expect(expected.every((at) => typeof at === 'number' && at % 1000 === 0)).toBe(true);
      expect(answers(CRON_PARSER)).toEqual(expected);
      expect(answers(CRONER)).toEqual(expected);
    },
  );

  it('spreads instants over the year and across both daylight-saving days', () => {
    const instants = benchInstants(10);
    expect(instants).toHaveLength(10 + 2 * 96);
    expect(instants.every((at) => at % 1000 === 7)).toBe(true);
  });
});
