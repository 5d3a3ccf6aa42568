import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { deadlineHttpLibrary, KubeRequestTimeoutError } from './deadline-http.js';

/** A server on loopback whose handler decides how (and whether) to answer; it records closed sockets. */
async function server(handle: (res: ServerResponse) => void): Promise<{
  url: string;
  closedSockets: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let closed = 0;
  const http: Server = createServer((_req, res) => handle(res));
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closed += 1;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/apis/kubeflow.org/v1beta1/scheduledworkflows`,
    closedSockets: () => closed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

const send = (url: string, timeoutMs: number, signal?: AbortSignal) => {
  const request = new RequestContext(url, HttpMethod.GET);
  if (signal) request.setSignal(signal);
  return deadlineHttpLibrary(timeoutMs).send(request).toPromise();
};

describe('deadlineHttpLibrary', () => {
  it('hands back a whole answer', async () => {
    const s = await server((res) => res.end('{"items":[]}'));
    try {
      const response = await send(s.url, 1_000);
      expect(response.httpStatusCode).toBe(200);
      expect(await response.body.text()).toBe('{"items":[]}');
    } finally {
      await s.close();
    }
  });

  it('fails a call that gets no answer at its deadline, naming the path and the setting, and drops the socket', async () => {
    const s = await server(() => {});
    try {
      const started = Date.now();
      const error = await send(s.url, 300).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeRequestTimeoutError);
      expect((error as Error).message).toBe(
        'GET /apis/kubeflow.org/v1beta1/scheduledworkflows: no answer from the Kubernetes API server within 0.3 s (--kubeRequestTimeoutSeconds)',
      );
      expect(Date.now() - started).toBeLessThan(2_000);
      await waitUntil(() => s.closedSockets() === 1);
    } finally {
      await s.close();
    }
  });

  it('fails a call whose body stops half-way', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[');
    });
    try {
      await expect(send(s.url, 300)).rejects.toBeInstanceOf(KubeRequestTimeoutError);
    } finally {
      await s.close();
    }
  });

  it("keeps the caller's own signal: an abort by the caller is not a timeout", async () => {
    const s = await server(() => {});
    try {
      const caller = new AbortController();
      const pending = send(s.url, 5_000, caller.signal);
      caller.abort();
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(KubeRequestTimeoutError);
    } finally {
      await s.close();
    }
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(check()).toBe(true);
}
