import type { FastifyInstance } from 'fastify';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { buildServer } from './build-server.ts';
import { openDataFolderForServer } from './data-folder.ts';
import type { ServeConfig } from './serve-config.ts';

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8765` */
  url: string;
  app: FastifyInstance;
  /** Resolves once the background work begun so far (compacting packs) is done. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (and, after a crash, repairs) the data folder, then listens. */
export async function startServer(config: ServeConfig): Promise<RunningServer> {
  const started = performance.now();
  const data = await openDataFolderForServer(config.dataDir);
  const { temporaryFiles, unnamedBlobs, missingBlobs } = data.recovered;
  if (temporaryFiles + unnamedBlobs > 0) {
    config.log(
      `recovered from an interrupted run: removed ${temporaryFiles} partial files and ${unnamedBlobs} blobs of uploads that never completed`,
    );
  }
  if (missingBlobs > 0) {
    config.log(
      `warning: ${missingBlobs} catalogued chats have no blob in the data folder (changed by hand?); exports will fail until it is restored`,
    );
  }
  const { app, settled } = buildServer({ catalogue: data.catalogue, blobs: data.blobs, config });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // The port is taken, say: stop the verification threads and let the folder go.
    await app.close().catch(() => undefined);
    data.close();
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new PygboxError('usage', `cannot listen on ${config.host}:${config.port} (${code})`, {
        hint:
          code === 'EADDRINUSE'
            ? 'another program uses that port: choose another with --port'
            : 'choose an address of this machine with --host, and a port above 1023 with --port',
        cause: error,
      });
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  const summary = data.catalogue.summary();
  config.log(
    `listening on ${url} (data: ${config.dataDir}; ${summary.chats} chats from ${summary.uploads} uploads; admin API ${config.adminToken === undefined ? 'off' : 'on'}) ready in ${Math.round(performance.now() - started)} ms`,
  );
  return {
    url,
    app,
    settled,
    close: async () => {
      await app.close();
      data.close();
    },
  };
}
