/**
 * A TCP proxy for fault-injection tests: it sits between a driver and a real server (PostgreSQL,
 * Redis) and, when armed, breaks one connection the way a network or a failover does:
 * - `cut-before`: the matching request never reaches the server, the connection is cut;
 * - `drop-reply`: the request reaches the server (it runs), its reply is swallowed and the
 *   connection cut, so the client never learns the outcome (ioredis then resends it on reconnect).
 * - `hold`: the matching request (and whatever follows it on that connection) waits until `until`
 *   resolves, then goes on; with `outageAfterReply` its reply is delivered and an outage starts at
 *   once (the client's next requests fail), so a test can run something between two requests and
 *   lose everything after one.
 * `cutAll()` cuts every open connection at once (a server restart, a failover); `outage()` also
 * refuses new connections until `restore()`.
 */
import net from 'node:net';

/** Which request a fault fires on: a substring of the bytes the client sends, or a predicate. */
export type RequestMatch = string | ((request: Buffer) => boolean);

/** A fault, fired once on the first request that matches (after `skip` matching ones passed). */
export type Fault =
  | { readonly kind: 'cut-before' | 'drop-reply'; readonly match: RequestMatch; readonly skip?: number }
  | {
      readonly kind: 'hold';
      readonly match: RequestMatch;
      readonly skip?: number;
      /** The request goes on when this resolves. */
      readonly until: Promise<void>;
      /** Deliver its reply, then start an outage (until `restore()`). */
      readonly outageAfterReply?: boolean;
    };

type Armed = Fault & {
  fired: () => void;
  passed: number;
};

function matches(match: RequestMatch, chunk: Buffer): boolean {
  return typeof match === 'string' ? chunk.includes(match) : match(chunk);
}

/** A running proxy on 127.0.0.1. */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private armed: Armed[] = [];
  /** How many faults fired so far. */
  firedCount = 0;

  private constructor(
    private readonly server: net.Server,
    /** The port clients connect to. */
    readonly port: number,
  ) {}

  /** Starts a proxy in front of `target` on a free port. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = net.createServer((client) => proxy!.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  /** Arms a fault; the promise resolves when it has fired. */
  arm(fault: Fault): Promise<void> {
    return new Promise((fired) => this.armed.push({ ...fault, fired, passed: 0 }));
  }

  /** Disarms every fault not fired yet. */
  disarm(): void {
    this.armed = [];
  }

  private down = false;

  /** An outage: cuts every connection and refuses new ones until `restore()`. */
  outage(): void {
    this.down = true;
    this.cutAll();
  }

  /** Ends an outage. */
  restore(): void {
    this.down = false;
  }

  /** Cuts every open connection (both sides, at once). */
  cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Cuts every connection and stops listening. */
  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    if (this.down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', () => {
        this.sockets.delete(socket);
        cut();
      });
    }
    // A reply owed to a request whose reply must be lost.
    let swallowReply: (() => void) | undefined;
    // A reply after which an outage starts.
    let outageAfter = false;
    // Requests held back (a `hold` fault): what follows waits behind it, in order.
    let held: Promise<void> | undefined;
    // After a reply that starts an outage: nothing more reaches the server.
    let dropping = false;
    client.on('data', (chunk: Buffer) => {
      if (dropping) return;
      if (held !== undefined) {
        held = held.then(() => void (dropping || upstream.write(chunk)));
        return;
      }
      const index = this.armed.findIndex((f) => matches(f.match, chunk) && f.passed++ >= (f.skip ?? 0));
      if (index < 0) {
        upstream.write(chunk);
        return;
      }
      const [fault] = this.armed.splice(index, 1) as [Armed];
      this.firedCount++;
      if (fault.kind === 'cut-before') {
        cut();
        fault.fired();
        return;
      }
      if (fault.kind === 'hold') {
        fault.fired();
        held = fault.until.then(() => {
          outageAfter = fault.outageAfterReply === true;
          upstream.write(chunk);
        });
        return;
      }
      swallowReply = () => {
        cut();
        fault.fired();
      };
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (swallowReply !== undefined) {
        swallowReply();
        return;
      }
      if (outageAfter) {
        outageAfter = false;
        dropping = true;
        client.write(chunk, () => this.outage());
        return;
      }
      client.write(chunk);
    });
  }
}
