import type { Command } from 'commander';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { compatFormatSchema } from '../../shared/zip/export-manifest.ts';
import {
  ADMIN_TOKEN_ENV,
  MIN_ADMIN_TOKEN_LENGTH,
  SERVE_DEFAULTS,
  type ServeConfig,
} from '../serve/serve-config.ts';
import { parseCommandOptions } from './parse-command-options.ts';

const positiveInt = z.coerce.number().int().min(1);

const serveOptionsSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
  data: z.string().min(1),
  maxUploadMb: positiveInt,
  rate: positiveInt,
  burst: positiveInt,
  maxConcurrent: positiveInt,
  maxConcurrentPerClient: positiveInt,
  verifyThreads: z.coerce.number().int().min(0).max(64),
  blocklist: z.string().min(1).optional(),
  trustProxy: z.string().optional(),
});

const exportOptionsSchema = z.object({
  public: z.boolean().optional(),
  out: z.string().min(1),
  data: z.string().min(1),
  format: z.string().optional(),
  blocklist: z.string().min(1).optional(),
});

/** `pygbox serve`: the collection server; `pygbox serve export --public`: its published subset. */
export function registerServeCommand(program: Command): void {
  const serve = program
    .command('serve')
    .description('run the collection server contributors upload their export zips to')
    .option(
      '--host <address>',
      `[string] address to listen on (default: ${SERVE_DEFAULTS.host}, this machine only)`,
    )
    .option(
      '--port <number>',
      `[number] port to listen on, 0 for any free one (default: ${SERVE_DEFAULTS.port})`,
    )
    .option(
      '--data <folder>',
      `[string] where uploads and the catalogue are stored (default: ${SERVE_DEFAULTS.dataDir})`,
    )
    .option(
      '--max-upload-mb <number>',
      `[number] largest upload accepted (default: ${SERVE_DEFAULTS.maxUploadMegabytes})`,
    )
    .option(
      '--rate <number>',
      `[number] uploads per minute per client address (default: ${SERVE_DEFAULTS.uploadsPerMinute})`,
    )
    .option(
      '--burst <number>',
      `[number] uploads a client may send at once (default: ${SERVE_DEFAULTS.uploadBurst})`,
    )
    .option(
      '--max-concurrent <number>',
      `[number] uploads received at once; more get 503 (default: ${SERVE_DEFAULTS.maxConcurrentUploads})`,
    )
    .option(
      '--max-concurrent-per-client <number>',
      `[number] of those, uploads one client address (an IPv6 /64) may send at once; more get 429 (default: ${SERVE_DEFAULTS.maxConcurrentUploadsPerClient})`,
    )
    .option(
      '--verify-threads <number>',
      `[number] threads checking uploads, 0 for none (default: ${SERVE_DEFAULTS.verifyThreads} here)`,
    )
    .option('--blocklist <file>', '[string] names never to store, one a line (also PYGBOX_BLOCKLIST)')
    .option(
      '--trust-proxy <addresses>',
      '[string] comma-separated addresses of the reverse proxy in front (its X-Forwarded-For is believed)',
    )
    .addHelpText(
      'after',
      `\nEnvironment: ${ADMIN_TOKEN_ENV} turns on the admin API (listing, export) for that bearer token.`,
    )
    .action(async (rawOptions: Record<string, unknown>) => {
      const options = parseCommandOptions(
        serveOptionsSchema,
        {
          host: SERVE_DEFAULTS.host,
          port: SERVE_DEFAULTS.port,
          data: SERVE_DEFAULTS.dataDir,
          maxUploadMb: SERVE_DEFAULTS.maxUploadMegabytes,
          rate: SERVE_DEFAULTS.uploadsPerMinute,
          burst: SERVE_DEFAULTS.uploadBurst,
          maxConcurrent: SERVE_DEFAULTS.maxConcurrentUploads,
          maxConcurrentPerClient: SERVE_DEFAULTS.maxConcurrentUploadsPerClient,
          verifyThreads: SERVE_DEFAULTS.verifyThreads,
          ...definedOnly(rawOptions),
        },
        'serve',
      );
      const { readOperatorBlocklist } = await import('../serve/operator-blocklist.ts');
      const { startServer } = await import('../serve/start-server.ts');
      const config: ServeConfig = {
        host: options.host,
        port: options.port,
        dataDir: options.data,
        maxUploadBytes: options.maxUploadMb * 1024 * 1024,
        uploadsPerMinute: options.rate,
        uploadBurst: options.burst,
        maxConcurrentUploads: options.maxConcurrent,
        maxConcurrentUploadsPerClient: options.maxConcurrentPerClient,
        adminToken: adminTokenFromEnv(),
        blocklist: await readOperatorBlocklist(options.blocklist),
        requestTimeoutMs: SERVE_DEFAULTS.requestTimeoutMs,
        idleTimeoutMs: SERVE_DEFAULTS.idleTimeoutMs,
        verifyThreads: options.verifyThreads,
        trustProxy: (options.trustProxy ?? '')
          .split(',')
          .map((address) => address.trim())
          .filter((address) => address !== ''),
        log: (line) => process.stdout.write(`pygbox serve: ${line}\n`),
      };
      // Listened for before starting, so a stop asked for while starting is not lost.
      const stopAsked = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      const server = await startServer(config);
      await stopAsked;
      config.log('stopping: finishing uploads in progress');
      await server.close();
    });

  serve
    .command('export')
    .description('write the chats contributors allowed to publish as one export zip')
    .option('--public', 'export the public subset (required: private chats never leave the server)')
    .requiredOption('-o, --out <file>', '[string] the zip to write')
    .option('--data <folder>', `[string] the server's data folder (default: ${SERVE_DEFAULTS.dataDir})`)
    .option('--format <list>', '[string] extra formats in the zip: dumper,sillytavern (default: none)')
    .option('--blocklist <file>', '[string] names to check for once more, one a line (also PYGBOX_BLOCKLIST)')
    .action(async (_rawOptions: unknown, command: Command) => {
      // With the parent's: commander gives `--data` to `serve` wherever it stands on the line.
      const options = parseCommandOptions(
        exportOptionsSchema,
        { data: SERVE_DEFAULTS.dataDir, ...definedOnly(command.optsWithGlobals()) },
        'serve export',
      );
      if (options.public !== true) {
        throw new PygboxError('usage', 'only the public subset can be exported', {
          hint: 'pass --public: chats kept private by their contributors never leave the server',
        });
      }
      const formats = (options.format ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
        .map((name) => {
          const parsed = compatFormatSchema.safeParse(name);
          if (parsed.success) return parsed.data;
          throw new PygboxError('usage', `unknown format in --format: ${JSON.stringify(name)}`, {
            hint: 'use --format dumper, --format sillytavern or --format dumper,sillytavern',
          });
        });
      const { readOperatorBlocklist } = await import('../serve/operator-blocklist.ts');
      const { openDataFolderToRead } = await import('../serve/data-folder.ts');
      const { buildPublicExport } = await import('../serve/public-export.ts');
      const { writeFileAtomic } = await import('../io/write-file-atomic.ts');
      const { catalogue, blobs } = await openDataFolderToRead(options.data);
      try {
        const exported = await buildPublicExport(catalogue, blobs, {
          blocklist: await readOperatorBlocklist(options.blocklist),
          formats,
        });
        await writeFileAtomic(options.out, exported.zip);
        process.stdout.write(
          `pygbox serve export: wrote ${exported.chats} public chats (${exported.messages} messages) and ${exported.preferences} preference records to ${options.out}; ${exported.privateChats} private chats stayed on the server\n`,
        );
      } finally {
        catalogue.close();
      }
    });
}

function adminTokenFromEnv(): string | undefined {
  const token = process.env[ADMIN_TOKEN_ENV]?.trim();
  if (token === undefined || token === '') return undefined;
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new PygboxError(
      'usage',
      `${ADMIN_TOKEN_ENV} is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters`,
      {
        hint: 'use a long random token, e.g. the output of `openssl rand -hex 24`',
      },
    );
  }
  return token;
}

function definedOnly(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
