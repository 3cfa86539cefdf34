// Free TCP ports on 127.0.0.1. Ports are drawn at random from 20000-32767,
// below Linux's ephemeral range (32768-60999) so that outgoing client
// connections never take them, and each is checked by binding it.
import net from 'node:net';

const LOW = 20000;
const HIGH = 32767;
const handedOut = new Set<number>();

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      srv.close(() => resolve(true));
    });
  });
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found on 127.0.0.1');
}

/** A port nothing listens on (for "dead endpoint" tests). */
export async function deadPort(): Promise<number> {
  return freePort();
}
