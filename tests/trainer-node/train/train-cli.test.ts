import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainEvent, trainEventSchema } from '../../../trainer-node/train/train-events.ts';
import { buildFixtureDataset, ROOT, writeTrainConfig } from './train-fixture.ts';

/**
 * `pygbox train` end to end: the CLI process, the real Python worker, real torch on CPU, the tiny
 * OPT on a dataset built from the samples. Checks the loss falls, that a run killed with SIGKILL
 * resumes onto exactly the loss curve of an uninterrupted run, and that Ctrl-C saves and exits 130.
 */
const CLI = join(ROOT, 'trainer-node/bin/pygbox.js');
const RUN_TIMEOUT = 150_000;

let work: string;
// Building the dataset tokenizes every sample: seconds, more on a busy machine.
beforeAll(async () => {
  ({ work } = await buildFixtureDataset());
}, 60_000);
// Checkpoints of even the tiny model are megabytes each; leave nothing behind.
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface CliRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Resolves at the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
}

function runCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [CLI, 'train', ...args], {
    cwd: ROOT,
    // One thread: steady timings on a shared machine, and the same arithmetic in every run.
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of [...waiters]) {
      const line = stdout.split('\n').find((candidate) => waiter.pattern.test(candidate));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveExit) =>
    child.on('close', (code) => resolveExit({ code, stdout, stderr })),
  );
  return {
    child,
    exited,
    waitFor: (pattern) =>
      new Promise((resolveLine, reject) => {
        waiters.push({ pattern, resolve: resolveLine });
        void exited.then(({ stdout: out, stderr: err }) =>
          reject(new Error(`the CLI exited before printing ${pattern}:\n${out}\n${err}`)),
        );
      }),
  };
}

function readEvents(outputDir: string): TrainEvent[] {
  return readFileSync(join(outputDir, 'train-events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => trainEventSchema.parse(JSON.parse(line)));
}

function stepLosses(events: readonly TrainEvent[]): Map<number, number | null> {
  const losses = new Map<number, number | null>();
  for (const event of events) if (event.event === 'step') losses.set(event.step, event.loss);
  return losses;
}

describe('pygbox train through the worker', () => {
  let uninterrupted: Map<number, number | null>;

  it(
    'trains the tiny OPT with falling loss and writes the final model',
    async () => {
      const config = writeTrainConfig(work, 'a', 'run-a');
      const { code, stdout, stderr } = await runCli(['--config', config]).exited;
      expect(code, stderr).toBe(0);
      expect(stdout).toContain('train.max_steps                    12\n');
      expect(stdout).toMatch(/training on cpu \(cpu\), 1 process, fp32: 3\.4M parameters/);
      // Not a terminal: one plain line per step, checkpoints between them.
      expect(stdout.match(/^step \d+\/12 {2}/gm)).toHaveLength(12);
      expect(stdout).toContain(`checkpoint at step 4 (interval): ${join(work, 'run-a', 'checkpoint-4')}`);
      expect(stdout).toContain(`final model: ${join(work, 'run-a', 'final')}`);
      expect(existsSync(join(work, 'run-a', 'final', 'model.safetensors'))).toBe(true);
      const runConfig = JSON.parse(readFileSync(join(work, 'run-a', 'run-config.json'), 'utf8'));
      expect(runConfig.train).toMatchObject({ max_steps: 12, seed: 42, adam_beta2: 0.95 });

      uninterrupted = stepLosses(readEvents(join(work, 'run-a')));
      const losses = [...uninterrupted.values()].map((loss) => loss ?? Number.NaN);
      expect(losses).toHaveLength(12);
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)) - 0.5);
    },
    RUN_TIMEOUT,
  );

  it(
    'resumes after the worker is killed with SIGKILL onto the uninterrupted loss curve',
    async () => {
      const config = writeTrainConfig(work, 'b', 'run-b');
      const first = runCli(['--config', config]);
      await first.waitFor(/^checkpoint at step 4 /);
      // The Python worker is the CLI's child; kill it as a crash or the OOM killer would. (Matched by
      // its command line: tsx may have an esbuild service child too, after a source file changed.)
      const python = execFileSync('pgrep', ['-P', String(first.child.pid), '-f', 'pygbox_worker.train'], {
        encoding: 'utf8',
      }).trim();
      expect(python).toMatch(/^\d+$/);
      process.kill(Number(python), 'SIGKILL');
      const killed = await first.exited;
      expect(killed.code).toBe(1);
      expect(killed.stderr).toContain('the worker (pygbox_worker.train) was killed by SIGKILL');

      const resumed = await runCli(['--config', config, '--resume']).exited;
      expect(resumed.code, resumed.stderr).toBe(0);
      const events = readEvents(join(work, 'run-b'));
      const starts = events.filter((event) => event.event === 'start');
      expect(starts).toHaveLength(2);
      const from = starts[1]?.event === 'start' ? starts[1].resumed_from : null;
      expect(from?.path).toMatch(/checkpoint-(4|8)$/);
      expect(resumed.stdout).toContain(`resuming from ${from?.path}`);

      // The steps after the checkpoint, as the resumed run reported them (the killed run's are earlier in the file).
      const afterResume = stepLosses(events.slice(events.indexOf(starts[1] as TrainEvent)));
      expect([...afterResume.keys()]).toEqual(
        Array.from({ length: 12 - (from?.step ?? 0) }, (_, index) => (from?.step ?? 0) + index + 1),
      );
      for (const [step, loss] of afterResume) {
        // Bit for bit: same data order, optimizer state, schedule and dropout RNG as the run never stopped.
        expect(loss, `step ${step}`).toBe(uninterrupted.get(step));
      }
    },
    RUN_TIMEOUT,
  );

  it(
    'saves a checkpoint on Ctrl-C, exits 130 and prints the command that resumes',
    async () => {
      const config = writeTrainConfig(work, 'c', 'run-c');
      const run = runCli(['--config', config]);
      await run.waitFor(/^step 1\/12 /);
      run.child.kill('SIGINT');
      const { code, stdout, stderr } = await run.exited;
      expect(code, stderr).toBe(130);
      expect(stderr).toContain('stopping: the worker saves a checkpoint at the end of this step');
      const stopped = /^stopped at step (\d+); checkpoint in (.+)$/m.exec(stdout);
      expect(stopped?.[2]).toBe(join(work, 'run-c', `checkpoint-${stopped?.[1]}`));
      expect(existsSync(join(stopped?.[2] ?? '', 'pygbox-checkpoint.json'))).toBe(true);
      expect(stdout).toContain(`resume with: pygbox train --config ${config} --resume\n`);
      // The worker's side (the test that sent SIGINT to the bare worker was folded in here): the
      // one checkpoint is the interrupt's, at the step it stopped after, and `interrupted` ends it.
      const events = readEvents(join(work, 'run-c'));
      expect(events.filter((event) => event.event === 'checkpoint')).toEqual([
        { event: 'checkpoint', step: Number(stopped?.[1]), path: stopped?.[2], reason: 'interrupt' },
      ]);
      expect(events.at(-1)).toEqual({
        event: 'interrupted',
        step: Number(stopped?.[1]),
        checkpoint: stopped?.[2],
      });
      expect(Number(stopped?.[1])).toBeLessThan(12);
    },
    RUN_TIMEOUT,
  );

  it(
    "fails with the worker's error, naming the config field and its line",
    async () => {
      const config = writeTrainConfig(
        work,
        'd',
        'run-d',
        'method: lora\nlora:\n  target_modules: [q_proj, not_a_layer]\n',
      );
      const { code, stderr } = await runCli(['--config', config]).exited;
      expect(code).toBe(1);
      // Line 19: `target_modules` in the appended lora section.
      expect(stderr).toContain(`pygbox: ${config}:19 lora.target_modules: lora.target_modules`);
      expect(stderr).toContain('are not modules of this model');
    },
    RUN_TIMEOUT,
  );
});
