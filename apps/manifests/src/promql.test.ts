import { metricSelectors, promqlSyntaxErrors } from './promql.js';

describe('metricSelectors', () => {
  it('finds each vector selector with its matchers, inside functions, aggregations and binary operators', () => {
    expect(
      metricSelectors(
        'sum by (path) (increase(a_total{job="j", reason=~"x|y"}[10m])) > 0 unless on (job) b{job!=\'k\'} or absent(up)',
      ),
    ).toEqual([
      {
        metric: 'a_total',
        matchers: [
          { label: 'job', op: '=', value: 'j' },
          { label: 'reason', op: '=~', value: 'x|y' },
        ],
      },
      { metric: 'b', matchers: [{ label: 'job', op: '!=', value: 'k' }] },
      { metric: 'up', matchers: [] },
    ]);
  });

  it('does not take label names or function names for metrics', () => {
    expect(
      metricSelectors('histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))').map((s) => s.metric),
    ).toEqual(['h_bucket']);
  });

  it('refuses a query that does not parse, naming it', () => {
    expect(() => metricSelectors('sum(rate(a[5m])')).toThrow('not a PromQL query');
    expect(promqlSyntaxErrors('sum(rate(a[5m])').length).toBeGreaterThan(0);
    expect(promqlSyntaxErrors('sum(rate(a[5m]))')).toEqual([]);
  });
});
