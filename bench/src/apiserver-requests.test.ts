import { requestTimesBetween, requestTotals } from './apiserver-requests.js';

const metrics = (sarCount: number, sarSeconds: number, getCount: number, getSeconds: number) =>
  [
    '# HELP apiserver_request_duration_seconds [STABLE] Response latency distribution',
    '# TYPE apiserver_request_duration_seconds histogram',
    `apiserver_request_duration_seconds_bucket{component="apiserver",dry_run="",group="authorization.k8s.io",resource="subjectaccessreviews",scope="resource",subresource="",verb="POST",version="v1",le="0.005"} ${sarCount}`,
    `apiserver_request_duration_seconds_sum{component="apiserver",dry_run="",group="authorization.k8s.io",resource="subjectaccessreviews",scope="resource",subresource="",verb="POST",version="v1"} ${sarSeconds}`,
    `apiserver_request_duration_seconds_count{component="apiserver",dry_run="",group="authorization.k8s.io",resource="subjectaccessreviews",scope="resource",subresource="",verb="POST",version="v1"} ${sarCount}`,
    // The same kind split over two scopes adds up.
    `apiserver_request_duration_seconds_sum{group="kubeflow.org",resource="scheduledworkflows",scope="resource",subresource="",verb="GET",version="v1beta1"} ${getSeconds / 2}`,
    `apiserver_request_duration_seconds_count{group="kubeflow.org",resource="scheduledworkflows",scope="resource",subresource="",verb="GET",version="v1beta1"} ${getCount / 2}`,
    `apiserver_request_duration_seconds_sum{group="kubeflow.org",resource="scheduledworkflows",scope="namespace",subresource="",verb="GET",version="v1beta1"} ${getSeconds / 2}`,
    `apiserver_request_duration_seconds_count{group="kubeflow.org",resource="scheduledworkflows",scope="namespace",subresource="",verb="GET",version="v1beta1"} ${getCount / 2}`,
    'apiserver_request_duration_seconds_count{group="",resource="",verb="GET"} 99',
    'apiserver_request_total{resource="workflows",verb="POST"} 7',
  ].join('\n');

describe('requestTotals', () => {
  it('adds up the count and seconds of each verb and resource, leaving out paths with no resource', () => {
    const totals = requestTotals(metrics(10, 0.01, 4, 0.2));
    expect(Object.fromEntries(totals)).toEqual({
      'POST subjectaccessreviews': { count: 10, seconds: 0.01 },
      'GET scheduledworkflows': { count: 4, seconds: 0.2 },
    });
  });

  it('names a subresource after its resource', () => {
    const text =
      'apiserver_request_duration_seconds_count{resource="serviceaccounts",subresource="token",verb="POST"} 2';
    expect([...requestTotals(text).keys()]).toEqual(['POST serviceaccounts/token']);
  });
});

describe('requestTimesBetween', () => {
  it('gives the mean of the requests made between two readings, the most frequent first', () => {
    const before = requestTotals(metrics(10, 0.01, 4, 0.2));
    const after = requestTotals(metrics(1010, 1.01, 504, 5.2));
    const times = requestTimesBetween(before, after).map((t) => ({
      ...t,
      meanMs: Number(t.meanMs.toFixed(6)),
    }));
    expect(times).toEqual([
      { request: 'POST subjectaccessreviews', count: 1000, meanMs: 1 },
      { request: 'GET scheduledworkflows', count: 500, meanMs: 10 },
    ]);
  });

  it('leaves out kinds of request not made in between, and keeps at most `limit`', () => {
    const before = requestTotals(metrics(10, 0.01, 4, 0.2));
    const after = requestTotals(metrics(10, 0.01, 6, 0.3));
    const times = requestTimesBetween(before, after).map((t) => ({
      ...t,
      meanMs: Number(t.meanMs.toFixed(6)),
    }));
    expect(times).toEqual([{ request: 'GET scheduledworkflows', count: 2, meanMs: 50 }]);
    expect(requestTimesBetween(new Map(), after, 1)).toHaveLength(1);
  });
});
