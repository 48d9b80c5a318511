import type { Command } from 'commander';
import { z } from 'zod';
import { parseCommandOptions } from './parse-command-options.ts';

const trainOptionsSchema = z
  .object({
    config: z.string().min(1),
    resume: z.union([z.boolean(), z.string().min(1)]).default(false),
    nproc: z.coerce.number().int().min(1),
    nnodes: z.coerce.number().int().min(1),
    nodeRank: z.coerce.number().int().min(0).optional(),
    masterAddr: z.string().min(1).optional(),
    masterPort: z.coerce.number().int().min(1).max(65535).optional(),
    dryRun: z.boolean().default(false),
  })
  .superRefine((options, context) => {
    if (options.nnodes <= 1) return;
    // Several machines meet at the rank-0 machine: each needs its own rank and that address.
    if (options.nodeRank === undefined) {
      context.addIssue({ code: 'custom', path: ['nodeRank'], message: 'is required with --nnodes above 1' });
    } else if (options.nodeRank >= options.nnodes) {
      context.addIssue({ code: 'custom', path: ['nodeRank'], message: 'must be below --nnodes' });
    }
    if (options.masterAddr === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['masterAddr'],
        message: 'is required with --nnodes above 1',
      });
    }
  });

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      'fine-tune a model on a dataset folder with the PyTorch worker (torchrun for several processes)',
    )
    .requiredOption('--config <yaml>', '[string] the run config (every key: trainer-node/train/README.md)')
    .option(
      '--resume [checkpoint]',
      "[string] continue from output_dir's latest checkpoint, or from this checkpoint folder",
    )
    .option('--nproc <n>', '[number] processes on this machine, one per GPU', '1')
    .option('--nnodes <n>', '[number] machines taking part', '1')
    .option('--node-rank <rank>', '[number] this machine among them, 0 to nnodes-1 (with --nnodes)')
    .option('--master-addr <host>', "[string] the rank-0 machine's address (with --nnodes)")
    .option(
      '--master-port <port>',
      '[number] its rendezvous port (default: 29500 across machines, any free one on one)',
    )
    .option('--dry-run', 'check the config, dataset and output folder, print the settings, start nothing')
    .action(async (rawOptions: unknown) => {
      const options = parseCommandOptions(trainOptionsSchema, rawOptions, 'train');
      const { runTraining } = await import('../train/run-training.ts');
      process.exitCode = await runTraining({
        config: options.config,
        resume: options.resume,
        nproc: options.nproc,
        nnodes: options.nnodes,
        ...(options.nodeRank === undefined ? {} : { nodeRank: options.nodeRank }),
        ...(options.masterAddr === undefined ? {} : { masterAddr: options.masterAddr }),
        ...(options.masterPort === undefined ? {} : { masterPort: options.masterPort }),
        dryRun: options.dryRun,
      });
    });
}
