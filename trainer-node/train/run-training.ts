import { appendFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { readDatasetIndex } from '../dataset/dataset-index.ts';
import type { WorkerErrorEvent } from '../worker-process/common-events.ts';
import { ensureWorkerEnvironment } from '../worker-process/ensure-worker-environment.ts';
import { runWorker } from '../worker-process/run-worker.ts';
import type { TorchrunOptions } from '../worker-process/torchrun-arguments.ts';
import { workerFailure } from '../worker-process/worker-failure.ts';
import { formatRunConfig } from './format-run-config.ts';
import { freePort } from './free-port.ts';
import { findCheckpoints, resolveResume } from './output-checkpoints.ts';
import { ProgressDisplay, type ProgressStreams } from './progress-display.ts';
import { type LoadedRunConfig, readRunConfig } from './read-run-config.ts';
import type { TrainEvent } from './train-events.ts';
import { trainEventSchema } from './train-events.ts';

export const TRAIN_MODULE = 'pygbox_worker.train';
export const RUN_CONFIG_FILE = 'run-config.json';
/** Every event of every attempt, appended: the loss curve across resumes, for plots and checks. */
export const EVENTS_FILE = 'train-events.jsonl';

export interface TrainOptions {
  /** The YAML path as the user gave it (the resume hint repeats it as typed). */
  config: string;
  /** false: start fresh; true: the latest checkpoint in output_dir; a string: that checkpoint folder. */
  resume: string | boolean;
  nproc: number;
  nnodes: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
  dryRun: boolean;
}

/** Exit statuses: the run finished, or stopped on request with a checkpoint to resume from. */
export const EXIT_DONE = 0;
export const EXIT_INTERRUPTED = 130;

/**
 * `pygbox train`: validates the config and everything it points at before anything heavy starts,
 * writes the resolved `run-config.json` the worker trains from, runs the worker (through torchrun
 * for several processes) and shows its progress. Resolves with the exit status (0 or 130); a failed
 * run rejects with a PygboxError naming the config field when the worker blamed one.
 */
export async function runTraining(
  options: TrainOptions,
  streams: ProgressStreams = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const loaded = await readRunConfig(options.config);
  const { config } = loaded;
  await readDatasetIndex(config.dataset);
  const resumeFrom = await resolveResume(config.output_dir, options.resume, loaded.file);
  const torchrun = await torchrunFor(options);
  const say = (text: string) => streams.out.write(`${text}\n`);

  say(formatRunConfig(loaded));
  say(launchDescription(torchrun, resumeFrom));
  if (options.dryRun) {
    say('dry run: the config is valid; nothing was written or started');
    return EXIT_DONE;
  }

  const runConfigFile = await writeRunConfig(loaded);
  await ensureWorkerEnvironment();

  const eventsFile = join(config.output_dir, EVENTS_FILE);
  const display = new ProgressDisplay(streams, config.log.every_steps);
  let reported: WorkerErrorEvent | undefined;
  let interrupted: Extract<TrainEvent, { event: 'interrupted' }> | undefined;
  let done: Extract<TrainEvent, { event: 'done' }> | undefined;
  const exit = await runWorker({
    module: TRAIN_MODULE,
    args: ['--config', runConfigFile, ...(resumeFrom === null ? [] : ['--resume', resumeFrom])],
    ...(torchrun === undefined ? {} : { torchrun }),
    // tqdm bars (save_pretrained's "Writing model shards") would tear through the status line.
    env: { HF_HUB_DISABLE_PROGRESS_BARS: '1', TOKENIZERS_PARALLELISM: 'false' },
    eventSchema: trainEventSchema,
    onEvent: (event) => {
      appendFileSync(eventsFile, `${JSON.stringify(event)}\n`);
      if (event.event === 'interrupted') interrupted = event;
      if (event.event === 'done') done = event;
      // An error is thrown once the worker exits (with its field and stderr), not shown twice.
      if (event.event === 'error') reported ??= event;
      else display.show(event);
    },
    // After `interrupted` the launcher's own shutdown noise (torchrun prints a traceback for the
    // signal) would bury the resume hint; it is still kept in the stderr tail for a failure.
    onStderrLine: (line) => {
      if (interrupted === undefined) display.line(line, 'err');
    },
    onSignal: (_signal, count) =>
      display.line(
        count === 1
          ? 'stopping: the worker saves a checkpoint at the end of this step (press Ctrl-C again to kill it)'
          : 'killing the worker; it will not save',
        'err',
      ),
  });
  display.finish();

  // A Ctrl-C during the last step still ends in `done`: the run is complete, not interrupted.
  if (exit.code === 0 && done !== undefined) {
    say(`final model: ${done.final_path}`);
    return EXIT_DONE;
  }
  if (interrupted !== undefined || exit.signalsForwarded > 0) {
    const checkpoint =
      interrupted?.checkpoint ?? (await findCheckpoints(config.output_dir)).steps.at(-1)?.path;
    say(
      interrupted === undefined
        ? `killed; the last complete checkpoint is ${checkpoint ?? 'none (nothing to resume)'}`
        : `stopped at step ${interrupted.step}; checkpoint in ${interrupted.checkpoint}`,
    );
    if (checkpoint !== undefined) say(`resume with: ${resumeCommand(options)}`);
    return EXIT_INTERRUPTED;
  }
  const field = reported?.field;
  throw workerFailure(TRAIN_MODULE, exit, reported ?? exitedEarly(exit.code), {
    file: loaded.file,
    ...(field == null ? {} : { line: loaded.lineOf(field), field }),
  });
}

/** A worker that exits 0 without `done` broke the protocol; say so rather than report success. */
function exitedEarly(code: number): WorkerErrorEvent | undefined {
  if (code !== 0) return undefined;
  return {
    event: 'error',
    message: 'the worker exited without finishing the run (no done event)',
    hint: 'this is a bug in the worker; its stderr is below',
    field: null,
  };
}

async function torchrunFor(options: TrainOptions): Promise<TorchrunOptions | undefined> {
  if (options.nproc <= 1 && options.nnodes <= 1) return undefined;
  if (options.nnodes <= 1) {
    // One machine: a free port instead of torchrun's fixed default, so two runs can coexist.
    return { nprocPerNode: options.nproc, masterPort: options.masterPort ?? (await freePort()) };
  }
  return {
    nprocPerNode: options.nproc,
    nnodes: options.nnodes,
    ...(options.nodeRank === undefined ? {} : { nodeRank: options.nodeRank }),
    ...(options.masterAddr === undefined ? {} : { masterAddr: options.masterAddr }),
    ...(options.masterPort === undefined ? {} : { masterPort: options.masterPort }),
  };
}

function launchDescription(torchrun: TorchrunOptions | undefined, resumeFrom: string | null): string {
  const how =
    torchrun === undefined
      ? 'one process'
      : `torchrun: ${torchrun.nprocPerNode} processes per machine` +
        (torchrun.nnodes === undefined
          ? ''
          : `, ${torchrun.nnodes} machines, this one rank ${torchrun.nodeRank}`);
  return `launch: ${how}; ${resumeFrom === null ? 'a new run' : `resuming from ${resumeFrom}`}`;
}

/** The resolved config, snake_case with every default, for the worker (which validates it again). */
async function writeRunConfig(loaded: LoadedRunConfig): Promise<string> {
  const file = join(loaded.config.output_dir, RUN_CONFIG_FILE);
  try {
    await mkdir(loaded.config.output_dir, { recursive: true });
    await writeFile(file, `${JSON.stringify(loaded.config, null, 2)}\n`);
  } catch (cause) {
    throw new PygboxError('output-failed', 'cannot write into output_dir', {
      place: { file: loaded.file, line: loaded.lineOf('output_dir'), field: 'output_dir' },
      hint: `make ${loaded.config.output_dir} writable, or set output_dir to a folder you can write`,
      cause,
    });
  }
  return file;
}

/** The command that continues this run: the same config and launch flags, plus --resume. */
export function resumeCommand(options: TrainOptions): string {
  const parts = ['pygbox train', '--config', quoteArgument(options.config), '--resume'];
  if (options.nproc > 1) parts.push('--nproc', String(options.nproc));
  if (options.nnodes > 1) {
    parts.push('--nnodes', String(options.nnodes));
    if (options.nodeRank !== undefined) parts.push('--node-rank', String(options.nodeRank));
    if (options.masterAddr !== undefined) parts.push('--master-addr', options.masterAddr);
  }
  if (options.masterPort !== undefined) parts.push('--master-port', String(options.masterPort));
  return parts.join(' ');
}

function quoteArgument(value: string): string {
  return /^[\w./:@%+=-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
