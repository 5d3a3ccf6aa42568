import { connect, createServer, type Server, type Socket } from 'node:net';

/** One client connection and its connection to the target. */
interface Pair {
  readonly client: Socket;
  readonly upstream: Socket | undefined;
  /** Frozen: bytes from either side are read and dropped, and nothing is closed. */
  dead: boolean;
}

/**
 * A TCP proxy on loopback that can black-hole the network: {@link freeze} makes every open
 * connection, and every connection made while frozen, swallow what either side sends, with no
 * reset and no close, as a lost conntrack entry or a middlebox does. {@link heal} lets new
 * connections through again; the frozen ones stay dead for good.
 */
export class FreezingProxy {
  /** Port it listens on, on 127.0.0.1. */
  readonly port: number;
  readonly #server: Server;
  readonly #pairs = new Set<Pair>();
  /** Target sides of dead connections their client has closed: the target was never told. */
  readonly #orphans = new Set<Socket>();
  #frozen = false;
  /** Connections accepted since start. */
  accepted = 0;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
  }

  /** Starts a proxy to `target` (e.g. `{ host: '127.0.0.1', port: 6443 }`). */
  static async start(target: { host: string; port: number }): Promise<FreezingProxy> {
    let proxy: FreezingProxy | undefined;
    const server = createServer((client) => proxy?.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new FreezingProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** Black-holes every open connection and every new one until {@link heal}. */
  freeze(): void {
    this.#frozen = true;
    for (const pair of this.#pairs) pair.dead = true;
  }

  /** New connections reach the target again; those frozen stay dead. */
  heal(): void {
    this.#frozen = false;
  }

  /** Client connections open now, and how many of them are dead. */
  connections(): { open: number; dead: number } {
    const pairs = [...this.#pairs];
    return { open: pairs.length, dead: pairs.filter((p) => p.dead).length };
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const { client, upstream } of this.#pairs) {
      client.destroy();
      upstream?.destroy();
    }
    this.#pairs.clear();
    for (const socket of this.#orphans) socket.destroy();
    this.#orphans.clear();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** Handles a new client connection (called by the server). */
  private accept(client: Socket, target: { host: string; port: number }): void {
    this.accepted += 1;
    const upstream = this.#frozen ? undefined : connect(target.port, target.host);
    const pair: Pair = { client, upstream, dead: this.#frozen };
    this.#pairs.add(pair);
    const end = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream?.destroy();
    };
    client.on('data', (chunk) => {
      if (!pair.dead) upstream?.write(chunk);
    });
    upstream?.on('data', (chunk) => {
      if (!pair.dead) client.write(chunk);
    });
    // A dead connection hides every close too: the other side learns nothing.
    client.on('close', () => {
      if (!pair.dead) return end();
      this.#pairs.delete(pair);
      if (upstream) this.#orphans.add(upstream);
    });
    upstream?.on('close', () => {
      if (!pair.dead) end();
    });
    client.on('error', () => {});
    upstream?.on('error', () => {});
  }
}
