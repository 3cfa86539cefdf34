// A controllable TCP proxy for one directed peer link A→B: node A dials it
// instead of B's peer URL (--test-peer-dial-map), so it carries exactly the
// messages A sends to B (and B's HTTP/2 replies on that same connection).
//   pass   forward, optionally with a delay and a probability of cutting a
//          connection (loss); byte-level loss would corrupt HTTP/2 frames.
//   drop   stall like a partition: stop reading on both sides (TCP windows
//          fill up, the sender blocks), new connections are accepted but held
//          unconnected; on heal they go on where they stopped.
//   reset  RST every connection and every new one (connection refused-like).
import net from 'node:net';

export type LinkMode = 'pass' | 'drop' | 'reset';

export interface LinkState {
  mode: LinkMode;
  /** One-way delay added to every chunk, in both directions of the connection (pass mode). */
  delayMs: number;
  /** Probability, per forwarded chunk, of cutting the whole connection (pass mode). */
  loss: number;
}

export const PASS: LinkState = { mode: 'pass', delayMs: 0, loss: 0 };

interface Direction {
  src: net.Socket;
  dst: net.Socket;
  queue: { due: number; chunk: Buffer }[];
  timer: NodeJS.Timeout | undefined;
  backpressured: boolean;
  ended: boolean;
  endSent: boolean;
}

interface Conn {
  client: net.Socket;
  /** null while held (accepted during a stall). */
  upstream: net.Socket | null;
  dirs: Direction[];
  closed: boolean;
}

export interface LinkStats {
  accepted: number;
  /** Connections cut by reset mode or loss. */
  cut: number;
}

export class LinkProxy {
  readonly stats: LinkStats = { accepted: 0, cut: 0 };
  private readonly server: net.Server;
  private readonly conns = new Set<Conn>();
  private st: LinkState = { ...PASS };
  private boundPort = 0;

  constructor(
    readonly name: string,
    private readonly target: { host: string; port: number },
    private readonly random: () => number = Math.random,
  ) {
    this.server = net.createServer({ noDelay: true }, (s) => this.onConnection(s));
  }

  get port(): number {
    return this.boundPort;
  }

  get state(): LinkState {
    return { ...this.st };
  }

  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => resolve());
    });
    const addr = this.server.address();
    if (addr === null || typeof addr === 'string') throw new Error(`proxy ${this.name}: no TCP address`);
    this.boundPort = addr.port;
    return this.boundPort;
  }

  set(change: Partial<LinkState>): void {
    this.st = { ...this.st, ...change };
    switch (this.st.mode) {
      case 'reset':
        for (const c of [...this.conns]) this.destroy(c, true);
        break;
      case 'drop':
        for (const c of this.conns) this.flow(c);
        break;
      case 'pass':
        for (const c of [...this.conns]) {
          if (c.upstream === null) this.connectUpstream(c);
          else for (const d of c.dirs) this.pump(c, d);
        }
        break;
    }
  }

  async close(): Promise<void> {
    for (const c of [...this.conns]) this.destroy(c, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(client: net.Socket): void {
    this.stats.accepted++;
    if (this.st.mode === 'reset') {
      this.stats.cut++;
      rst(client);
      return;
    }
    const conn: Conn = { client, upstream: null, dirs: [], closed: false };
    this.conns.add(conn);
    client.pause();
    client.on('error', () => this.destroy(conn, false));
    client.on('close', () => this.destroy(conn, false));
    if (this.st.mode === 'pass') this.connectUpstream(conn);
  }

  private connectUpstream(conn: Conn): void {
    if (conn.closed) return;
    const up = net.connect({ host: this.target.host, port: this.target.port, noDelay: true });
    conn.upstream = up;
    up.on('error', () => this.destroy(conn, false));
    up.on('close', () => this.destroy(conn, false));
    conn.dirs = [this.wire(conn, conn.client, up), this.wire(conn, up, conn.client)];
    this.flow(conn);
  }

  private wire(conn: Conn, src: net.Socket, dst: net.Socket): Direction {
    const d: Direction = { src, dst, queue: [], timer: undefined, backpressured: false, ended: false, endSent: false };
    src.on('data', (chunk: Buffer) => {
      if (this.st.loss > 0 && this.random() < this.st.loss) {
        this.stats.cut++;
        this.destroy(conn, true);
        return;
      }
      d.queue.push({ due: performance.now() + this.st.delayMs, chunk });
      this.pump(conn, d);
    });
    src.on('end', () => {
      d.ended = true;
      this.pump(conn, d);
    });
    return d;
  }

  /** Writes what is due, in order; nothing while stalled. */
  private pump(conn: Conn, d: Direction): void {
    if (conn.closed || this.st.mode !== 'pass') return;
    if (d.timer !== undefined) {
      clearTimeout(d.timer);
      d.timer = undefined;
    }
    for (;;) {
      const head = d.queue[0];
      if (head === undefined) break;
      const wait = head.due - performance.now();
      if (wait > 0) {
        d.timer = setTimeout(() => {
          d.timer = undefined;
          this.pump(conn, d);
        }, wait);
        return;
      }
      d.queue.shift();
      if (!d.dst.write(head.chunk) && !d.backpressured) {
        d.backpressured = true;
        d.dst.once('drain', () => {
          d.backpressured = false;
          this.flow(conn);
        });
      }
    }
    if (d.ended && !d.endSent) {
      d.endSent = true;
      d.dst.end();
    }
    this.flow(conn);
  }

  /** Reading on a side stops while stalled or while its destination is backed up. */
  private flow(conn: Conn): void {
    if (conn.closed) return;
    for (const d of conn.dirs) {
      if (this.st.mode !== 'pass' || d.backpressured) d.src.pause();
      else d.src.resume();
    }
  }

  private destroy(conn: Conn, reset: boolean): void {
    if (conn.closed) return;
    conn.closed = true;
    this.conns.delete(conn);
    for (const d of conn.dirs) if (d.timer !== undefined) clearTimeout(d.timer);
    if (reset) {
      rst(conn.client);
      if (conn.upstream !== null) rst(conn.upstream);
    } else {
      conn.client.destroy();
      conn.upstream?.destroy();
    }
  }
}

function rst(s: net.Socket): void {
  try {
    s.resetAndDestroy();
  } catch {
    s.destroy();
  }
}
