import type { Command } from 'commander';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { addPrivacyOptions } from './privacy-options.ts';

const compatFormatSchema = z.enum(['dumper', 'sillytavern']);

const importOptionsSchema = z.object({
  out: z.string().min(1),
  zip: z.string().min(1).optional(),
  identity: z.array(z.string()),
  redact: z.array(z.string()),
  format: z.string().optional(),
});

export function registerImportCommand(program: Command): void {
  addPrivacyOptions(
    program
      .command('import')
      .description('read capture and dumper files, write anonymized chats (and the export zip)')
      .argument(
        '<inputs...>',
        'capture files (.jsonl or .json), old dumper files, Pygbox export zips, or folders holding capture files',
      )
      .requiredOption('-o, --out <file>', '[string] anonymized chats, one JSON per line')
      .option('--zip <file>', '[string] also write the export zip here'),
  )
    .option('--format <list>', '[string] extra formats in the zip: dumper,sillytavern (default: none)')
    .action(async (inputs: string[], rawOptions: unknown) => {
      const options = importOptionsSchema.parse(rawOptions);
      const formats = parseFormats(options.format);
      const { runImport } = await import('../import/run-import.ts');
      const { formatImportSummary } = await import('../import/format-import-summary.ts');
      const summary = await runImport({
        inputs,
        out: options.out,
        ...(options.zip === undefined ? {} : { zip: options.zip }),
        identities: options.identity,
        redactions: options.redact,
        formats,
      });
      process.stdout.write(`${formatImportSummary(summary)}\n`);
      if (summary.unreadable.length > 0) process.exitCode = 1;
    });
}

function parseFormats(list: string | undefined): ('dumper' | 'sillytavern')[] {
  if (list === undefined || list.trim() === '') return [];
  return list.split(',').map((name) => {
    const parsed = compatFormatSchema.safeParse(name.trim());
    if (!parsed.success) {
      throw new PygboxError('usage', `unknown format in --format: ${JSON.stringify(name.trim())}`, {
        hint: 'use --format dumper, --format sillytavern or --format dumper,sillytavern',
      });
    }
    return parsed.data;
  });
}
