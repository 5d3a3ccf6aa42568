/**
 * The kube-apiserver's own time per request, from its `apiserver_request_duration_seconds`: from
 * when its handler chain got the request until it answered. Set next to the times the KFP API double
 * measured for the same calls, it tells the server's work apart from what waited outside it
 * (connections, the CPU of a shared machine, the caller's own event loop).
 */
import { get } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { samples } from './prometheus.js';

const DURATION = 'apiserver_request_duration_seconds';

/** Count and total seconds of one kind of request, e.g. `POST workflows`. */
export interface RequestTotals {
  readonly count: number;
  readonly seconds: number;
}

/** One kind of request over an interval. */
export interface RequestTime {
  /** Verb and resource (and subresource), e.g. `GET scheduledworkflows`. */
  readonly request: string;
  readonly count: number;
  readonly meanMs: number;
}

/** The totals per kind of request in a `/metrics` text, by `VERB resource[/subresource]`. */
export function requestTotals(text: string): Map<string, RequestTotals> {
  const totals = new Map<string, { count: number; seconds: number }>();
  for (const { name, labels, value } of samples(text)) {
    const count = name === `${DURATION}_count`;
    if (!count && name !== `${DURATION}_sum`) continue;
    const resource = labels.get('resource') ?? '';
    if (resource === '') continue;
    const sub = labels.get('subresource');
    const key = `${labels.get('verb')} ${resource}${sub ? `/${sub}` : ''}`;
    const entry = totals.get(key) ?? { count: 0, seconds: 0 };
    if (count) entry.count += value;
    else entry.seconds += value;
    totals.set(key, entry);
  }
  return totals;
}

/**
 * The requests made between two readings, the most frequent first (at most `limit`), each with
 * its mean time; kinds with none in between are left out.
 */
export function requestTimesBetween(
  before: ReadonlyMap<string, RequestTotals>,
  after: ReadonlyMap<string, RequestTotals>,
  limit = 6,
): RequestTime[] {
  const times: RequestTime[] = [];
  for (const [request, end] of after) {
    const start = before.get(request) ?? { count: 0, seconds: 0 };
    const count = end.count - start.count;
    if (count > 0) times.push({ request, count, meanMs: ((end.seconds - start.seconds) / count) * 1000 });
  }
  return times.sort((a, b) => b.count - a.count || a.request.localeCompare(b.request)).slice(0, limit);
}

/** Reads the kube-apiserver's `/metrics` with `kubeConfig`'s credentials (which must allow it: admin). */
export async function scrapeApiServer(kubeConfig: KubeConfig): Promise<string> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no cluster');
  const options: import('node:https').RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    get(`${server}/metrics`, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        response.statusCode === 200
          ? resolve(body)
          : reject(new Error(`GET /metrics on the kube-apiserver answered ${response.statusCode}`)),
      );
    }).on('error', reject);
  });
}
