import { createServer } from 'node:net';

/**
 * A TCP port nobody listens on now, for torchrun's rendezvous on one machine: its default (29500)
 * makes two runs on one machine (or two test files) fail to start.
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port === 0 ? reject(new Error('no free port')) : resolvePort(port)));
    });
  });
}
