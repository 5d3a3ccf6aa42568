import { connect, createServer, type Server, type Socket } from 'node:net';
import { FreezingProxy } from './freezing-proxy.js';

/** An echo server on loopback. */
async function echoServer(): Promise<{ server: Server; port: number; closed: () => number }> {
  let closed = 0;
  const server = createServer((socket) => {
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('close', () => {
      closed += 1;
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, closed: () => closed };
}

/** A connection to the proxy, with what came back and whether it ended. */
async function client(
  port: number,
): Promise<{ socket: Socket; received: () => string; ended: () => boolean }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  let ended = false;
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.on('close', () => {
    ended = true;
  });
  socket.on('error', () => {});
  return { socket, received: () => received, ended: () => ended };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('FreezingProxy', () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let proxy: FreezingProxy;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = await FreezingProxy.start({ host: '127.0.0.1', port: echo.port });
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise((resolve) => echo.server.close(resolve));
  });

  it('passes bytes both ways while healthy', async () => {
    const c = await client(proxy.port);
    c.socket.write('ping');
    await settle();
    expect(c.received()).toBe('ping');
  });

  it('swallows bytes on open connections once frozen, with no close either way, and keeps them dead after the heal', async () => {
    const c = await client(proxy.port);
    c.socket.write('a');
    await settle();
    proxy.freeze();
    c.socket.write('b');
    await settle();
    expect(c.received()).toBe('a');
    expect(c.ended()).toBe(false);
    proxy.heal();
    c.socket.write('c');
    await settle();
    expect(c.received()).toBe('a');
    expect(proxy.connections()).toEqual({ open: 1, dead: 1 });
    c.socket.destroy();
    await settle();
    expect(echo.closed()).toBe(0);
  });

  it('black-holes connections made while frozen, and lets new ones through after the heal', async () => {
    proxy.freeze();
    const during = await client(proxy.port);
    during.socket.write('x');
    await settle();
    expect(during.received()).toBe('');
    proxy.heal();
    const after = await client(proxy.port);
    after.socket.write('y');
    await settle();
    expect(after.received()).toBe('y');
    expect(during.received()).toBe('');
    expect(proxy.accepted).toBe(2);
    during.socket.destroy();
    after.socket.destroy();
  });
});
