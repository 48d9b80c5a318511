import type { Command } from 'commander';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/** `q8=5,q4=25`: a threshold per quantized dtype, checked here so a typo fails before the export. */
const perDtypeSchema = z
  .string()
  .regex(/^(q8|q4|q4f16)=\d+(\.\d+)?(,(q8|q4|q4f16)=\d+(\.\d+)?)*$/, 'expected <q8|q4|q4f16>=<number>[,...]');

const exportOptionsSchema = z.object({
  out: z.string().min(1),
  dtype: z.string().min(1),
  evalDataset: z.string().min(1).optional(),
  zip: z.union([z.string().min(1), z.literal(false)]).optional(),
  overwrite: z.boolean().default(false),
  maxLogitDiff: z.coerce.number().positive().optional(),
  maxPplIncrease: perDtypeSchema.optional(),
  minTop1Agreement: perDtypeSchema.optional(),
});

function parseOptions(raw: unknown): z.infer<typeof exportOptionsSchema> {
  const parsed = exportOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = String(issue?.path[0] ?? '').replace(/[A-Z0-9]+/g, (part) => `-${part.toLowerCase()}`);
  throw new PygboxError('usage', `invalid --${option}: ${issue?.message ?? 'invalid value'}`, {
    hint: 'see pygbox export --help',
  });
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export a trained checkpoint to the ONNX folder the browser runs (with a parity gate) and zip it',
    )
    .argument('<checkpoint>', 'a model folder written by pygbox train (e.g. out/run/final)')
    .requiredOption('-o, --out <dir>', '[string] model folder to create (written complete or not at all)')
    .option('--dtype <list>', '[fp32,q8,q4,q4f16] files to write', 'q8,q4,q4f16,fp32')
    .option(
      '--eval-dataset <dir>',
      "[string] dataset whose eval split scores the quantized files (default: the checkpoint's)",
    )
    .option('--zip <file>', '[string] where to write the zip for the extension (default: <out>.zip)')
    .option('--no-zip', 'do not write the zip')
    .option(
      '--overwrite',
      'replace the model folder and zip if they exist (only once the new ones are complete)',
    )
    .option('--max-logit-diff <x>', '[number] fp32 ONNX vs PyTorch limit (default: 1e-4)')
    .option(
      '--max-ppl-increase <list>',
      '[dtype=percent,...] perplexity increase allowed (default: q8=5,q4=25,q4f16=25)',
    )
    .option(
      '--min-top1-agreement <list>',
      '[dtype=share,...] top-1 agreement required (default: q8=0.85,q4=0.6,q4f16=0.6)',
    )
    .action(async (checkpoint: string, rawOptions: unknown) => {
      const options = parseOptions(rawOptions);
      const { parseDtypeList } = await import('../export/export-dtypes.ts');
      const { runExport } = await import('../export/run-export.ts');
      const { formatExportSummary } = await import('../export/format-export-summary.ts');
      const gateArguments = [
        ...(options.maxLogitDiff === undefined ? [] : ['--max-logit-diff', String(options.maxLogitDiff)]),
        ...(options.maxPplIncrease === undefined ? [] : ['--max-ppl-increase', options.maxPplIncrease]),
        ...(options.minTop1Agreement === undefined ? [] : ['--min-top1-agreement', options.minTop1Agreement]),
      ];
      const result = await runExport({
        checkpoint,
        out: options.out,
        dtypes: parseDtypeList(options.dtype),
        ...(options.evalDataset === undefined ? {} : { evalDataset: options.evalDataset }),
        ...(options.zip === undefined ? {} : { zip: options.zip }),
        overwrite: options.overwrite,
        gateArguments,
        onProgress: (line) => process.stderr.write(`export: ${line}\n`),
      });
      process.stdout.write(`${formatExportSummary(result)}\n`);
    });
}
