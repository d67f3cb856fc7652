/**
 * The local edge on the loopback: the listener of local/edge-server.ts on 127.0.0.1 and, when the
 * machine has one, on the IPv6 loopback at the same port (browsers try [::1] first for
 * `*.localhost`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EdgeCache } from './edge-cache.ts';
import { type LocalEdgeOptions, localEdgeListener } from './edge-server.ts';

export interface RunningEdge {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** The addresses it listens on (127.0.0.1, and ::1 when the machine has IPv6 loopback). */
  readonly hosts: readonly string[];
  /** The cache, when there is one (tests inspect it). */
  readonly cache: EdgeCache | undefined;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts the edge on `host` (default 127.0.0.1). With the default host it also listens on the
 * IPv6 loopback [::1] at the same port when the machine has one: browsers and curl resolve
 * `localhost` and `pr-7.localhost` to both addresses and may try ::1 first, and a port free on
 * 127.0.0.1 but held by another program on ::1 would show that program. A fixed port taken on
 * ::1 is an EADDRINUSE error like on 127.0.0.1; with port 0 the edge stays on 127.0.0.1 alone
 * when the picked port happens to be taken on ::1.
 */
export async function startLocalEdge(options: LocalEdgeOptions & { port?: number; host?: string }): Promise<RunningEdge> {
  const listener = localEdgeListener(options);
  const server = createServer(listener);
  const host = options.host ?? '127.0.0.1';
  const requested = options.port ?? 8080;
  await listen(server, requested, host);
  const { port } = server.address() as AddressInfo;
  const servers = [server];
  const hosts = [host];
  if (options.host === undefined) {
    const ipv6 = createServer(listener);
    try {
      await listen(ipv6, port, '::1');
      servers.push(ipv6);
      hosts.push('::1');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && requested !== 0) {
        await close(server);
        // The port first (start.ts reads it to name the flag that moves it), then which address.
        throw new Error(`listen EADDRINUSE: address already in use :${port} on the IPv6 loopback [::1], which *.localhost also reaches`, {
          cause: error,
        });
      }
      // EADDRNOTAVAIL / EAFNOSUPPORT: no IPv6 loopback here, so nothing can reach ::1 either.
    }
  }
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    hosts,
    cache: listener.cache,
    stop: async () => {
      await Promise.all(servers.map(close));
    },
  };
}
