import { createServer, type Server } from 'node:http';
import type { ControllerMetrics } from './metrics.js';

/** Liveness and readiness as the health server reports them. */
export interface HealthState {
  /** Caches synced and workers running (and, with leader election, either leading or standing by). */
  ready(): boolean;
  /** Why the process is not live (the Kubernetes API server has not answered for a while), or null. */
  notLive(): string | null;
}

/**
 * Serves `/metrics`, `/healthz` (the process answers and can reach the Kubernetes API server) and
 * `/readyz` on `port` (0 picks a free port; the bound port is returned).
 */
export async function startHealthServer(
  port: number,
  metrics: ControllerMetrics,
  health: HealthState,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
      return;
    }
    if (path === '/healthz') {
      const problem = health.notLive();
      res.writeHead(problem === null ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(problem ?? 'ok');
      return;
    }
    if (path === '/readyz') {
      const ready = health.ready();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ready ? 'ok' : 'not ready');
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}
