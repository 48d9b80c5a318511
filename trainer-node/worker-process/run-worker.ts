import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { formatIssuePath } from '../../shared/errors/zod-issue-path.ts';
import { TORCHRUN_ENVIRONMENT, type TorchrunOptions, torchrunArguments } from './torchrun-arguments.ts';
import { stderrTailNote } from './worker-failure.ts';
import { type WorkerPaths, workerPaths } from './worker-paths.ts';

/** The last stderr lines kept for error messages: a Python traceback fits, a whole log does not. */
const STDERR_TAIL_LINES = 40;

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** The started worker, for callers that stop it themselves (tests, a UI). */
export interface RunningWorker {
  readonly pid: number;
  /** Asks the worker to stop cleanly (it saves a checkpoint and exits 130). */
  interrupt(signal?: InterruptSignal): void;
  /** Kills the worker and everything it started (torchrun's ranks, data loader processes). */
  kill(): void;
}

export interface WorkerExit {
  /** The exit status; a worker killed by a signal gets 128 + its number, as a shell reports it. */
  code: number;
  signal: NodeJS.Signals | null;
  /** The last lines the worker wrote on stderr. */
  stderrTail: string;
  /** How many SIGINT/SIGTERM this process received and passed on while the worker ran. */
  signalsForwarded: number;
}

export interface RunWorkerOptions<Event extends { event: string }> {
  /** `pygbox_worker.train` and the like: run as `.venv/bin/python -m <module>`. */
  module: string;
  args: readonly string[];
  /** Launch through `python -m torch.distributed.run` (several processes or machines). */
  torchrun?: TorchrunOptions;
  /** Every stdout line must parse as one of these; anything else fails the run, naming the line. */
  eventSchema: z.ZodType<Event>;
  onEvent: (event: Event) => void;
  /** Each stderr line as it arrives (human logs, warnings, tracebacks). */
  onStderrLine?: (line: string) => void;
  onSpawn?: (worker: RunningWorker) => void;
  /**
   * Pass SIGINT/SIGTERM this process receives on to the worker: the first asks it to stop cleanly,
   * a second one kills it. Default true; `onSignal` hears about each one.
   */
  forwardProcessSignals?: boolean;
  onSignal?: (signal: InterruptSignal, count: number) => void;
  /** Lines written to the worker's stdin, which is then closed (none: stdin is not connected). */
  input?: readonly string[];
  paths?: WorkerPaths;
  env?: Readonly<Record<string, string>>;
}

/**
 * Spawns a Python worker entry and follows its JSON-lines protocol until it exits. Resolves with
 * the exit status whatever it is (a 130 after an interrupt is a normal ending for a caller); rejects
 * only when the worker could not start, broke the protocol, or `onEvent` threw.
 *
 * The worker runs in its own process group: a terminal's Ctrl-C reaches only this process, which
 * decides what the worker gets. Otherwise the worker would see every Ctrl-C twice, and a second,
 * forwarded one would read as "kill now".
 */
export function runWorker<Event extends { event: string }>(
  options: RunWorkerOptions<Event>,
): Promise<WorkerExit> {
  const paths = options.paths ?? workerPaths();
  const args =
    options.torchrun === undefined
      ? ['-m', options.module, ...options.args]
      : torchrunArguments(options.torchrun, options.module, options.args);
  const child = spawn(paths.python, args, {
    cwd: paths.workerFolder,
    detached: true,
    env: {
      ...process.env,
      // torchrun starts the ranks from the same cwd, but PYTHONPATH makes the package importable
      // whatever a launcher does with sys.path.
      PYTHONPATH: [paths.workerFolder, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONIOENCODING: 'utf-8',
      ...(options.torchrun === undefined ? {} : TORCHRUN_ENVIRONMENT),
      ...options.env,
    },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });

  return new Promise<WorkerExit>((resolveExit, reject) => {
    let failure: unknown;
    let signalsForwarded = 0;
    const stderrLines: string[] = [];

    const worker: RunningWorker = {
      pid: child.pid ?? -1,
      interrupt(signal = 'SIGINT') {
        sendTo(child.pid, signal);
      },
      kill() {
        // The negative pid is the whole process group: torchrun's ranks die with it.
        if (child.pid !== undefined) sendTo(-child.pid, 'SIGKILL');
      },
    };

    const fail = (error: unknown) => {
      if (failure !== undefined) return;
      failure = error;
      // SIGTERM, not SIGKILL: a training worker still saves where it got to.
      worker.interrupt('SIGTERM');
    };

    const onProcessSignal = (signal: InterruptSignal) => {
      signalsForwarded += 1;
      options.onSignal?.(signal, signalsForwarded);
      if (signalsForwarded === 1) worker.interrupt(signal);
      else worker.kill();
    };
    const forward = options.forwardProcessSignals ?? true;
    if (forward) {
      process.on('SIGINT', onProcessSignal);
      process.on('SIGTERM', onProcessSignal);
    }
    // In its own process group the worker would outlive a crash of this process: take it along.
    const killOnExit = () => worker.kill();
    process.on('exit', killOnExit);
    const stopForwarding = () => {
      process.off('SIGINT', onProcessSignal);
      process.off('SIGTERM', onProcessSignal);
      process.off('exit', killOnExit);
    };

    let lineNumber = 0;
    const stdout = createInterface({ input: pipe(child.stdout), crlfDelay: Number.POSITIVE_INFINITY });
    stdout.on('line', (line) => {
      lineNumber += 1;
      if (failure !== undefined || line.trim() === '') return;
      const parsed = parseEventLine(line, options.eventSchema);
      if (!parsed.ok) {
        fail(
          new PygboxError('worker-failed', `the worker wrote an invalid event: ${parsed.problem}`, {
            place: {
              file: `${options.module} stdout`,
              line: lineNumber,
              ...(parsed.field === undefined ? {} : { field: parsed.field }),
            },
            hint: 'only events may go to stdout (logs belong on stderr); this is a bug in the worker',
          }),
        );
        return;
      }
      try {
        options.onEvent(parsed.event);
      } catch (error) {
        fail(error);
      }
    });
    const stderr = createInterface({ input: pipe(child.stderr), crlfDelay: Number.POSITIVE_INFINITY });
    stderr.on('line', (line) => {
      stderrLines.push(line);
      if (stderrLines.length > STDERR_TAIL_LINES) stderrLines.shift();
      options.onStderrLine?.(line);
    });

    child.on('error', (error) => {
      stopForwarding();
      reject(
        new PygboxError('worker-failed', `cannot start the worker (${options.module})`, {
          place: { file: paths.python },
          hint: 'run npm run setup to create the Python environment',
          cause: error,
        }),
      );
    });
    child.on('spawn', () => options.onSpawn?.(worker));
    if (options.input !== undefined && child.stdin !== null) {
      for (const line of options.input) child.stdin.write(`${line}\n`);
      child.stdin.end();
    }

    child.on('close', (code, signal) => {
      stopForwarding();
      const stderrTail = stderrLines.join('\n');
      if (failure !== undefined) {
        reject(withStderrTail(failure, stderrTail));
        return;
      }
      const status = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
      resolveExit({ code: status, signal, stderrTail, signalsForwarded });
    });
  });
}

type ParsedLine<Event> = { ok: true; event: Event } | { ok: false; problem: string; field?: string };

function parseEventLine<Event>(line: string, schema: z.ZodType<Event>): ParsedLine<Event> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, problem: 'the line is not JSON' };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? '' : formatIssuePath(issue.path);
  return {
    ok: false,
    problem: issue?.message ?? 'not an event this version understands',
    ...(field === '' ? {} : { field }),
  };
}

/** stdout and stderr are always piped (see the spawn call); the type cannot say so for a computed stdio. */
function pipe(stream: Readable | null): Readable {
  if (stream === null) throw new Error('the worker was spawned without an output pipe');
  return stream;
}

function sendTo(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone: nothing left to stop.
  }
}

function withStderrTail(error: unknown, stderrTail: string): unknown {
  if (!(error instanceof PygboxError) || error.code !== 'worker-failed' || stderrTail.trim() === '') {
    return error;
  }
  return new PygboxError(error.code, error.message, {
    place: error.place,
    hint: `${error.hint ?? ''}${stderrTailNote(stderrTail)}`,
    cause: error.cause,
  });
}
