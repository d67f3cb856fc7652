/**
 * A TCP proxy on loopback that adds a round trip: every chunk is held for half the RTT in each
 * direction, so a connection setup, a request and its answer each cost what they would across a
 * real network (a CI runner to S3, a far edge location to the bucket's region). Counts the
 * connections it accepted, so a test can tell a reused connection from a new one.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface LatencyProxy {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startLatencyProxy(target: { host: string; port: number }, rttMs: number): Promise<LatencyProxy> {
  const half = rttMs / 2;
  let accepted = 0;
  const sockets = new Set<Socket>();
  const delayed = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      from.pause();
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
        from.resume();
      }, half);
    });
    from.on('end', () => setTimeout(() => to.end(), half));
    from.on('error', () => to.destroy());
    from.on('close', () => setTimeout(() => to.destroy(), half));
  };
  const server = createServer((client) => {
    accepted += 1;
    // The SYN/SYN-ACK of the client's side happened on loopback: charge the handshake here.
    client.pause();
    setTimeout(() => {
      const upstream = createConnection(target, () => client.resume());
      sockets.add(client).add(upstream);
      client.on('close', () => sockets.delete(client));
      upstream.on('close', () => sockets.delete(upstream));
      delayed(client, upstream);
      delayed(upstream, client);
    }, rttMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
