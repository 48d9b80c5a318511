import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningWorker, runWorker } from '../../../trainer-node/worker-process/run-worker.ts';
import { workerFailure } from '../../../trainer-node/worker-process/worker-failure.ts';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';

// The real interpreter of .venv, running a fixture module from this folder instead of pygbox_worker.
const paths = { ...workerPaths(), workerFolder: resolve(import.meta.dirname, 'fixtures') };

const fakeEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('tick'), step: z.number().int() }),
  z.object({ event: z.literal('ready'), pid: z.number().int() }),
  z.object({ event: z.literal('interrupted'), signal: z.string() }),
]);
type FakeEvent = z.infer<typeof fakeEventSchema>;

function runFake(
  args: string[],
  extra: { onSpawn?: (worker: RunningWorker) => void; input?: string[] } = {},
) {
  const events: FakeEvent[] = [];
  const stderr: string[] = [];
  const done = runWorker({
    module: 'fake_worker',
    args,
    eventSchema: fakeEventSchema,
    onEvent: (event) => events.push(event),
    onStderrLine: (line) => stderr.push(line),
    forwardProcessSignals: false,
    paths,
    env: { FAKE_STEP: '7' },
    ...extra,
  });
  return { events, stderr, done };
}

/** Resolves once the fake worker has said `ready` (its signal handlers are installed by then). */
function whenReady(events: FakeEvent[]): Promise<void> {
  return new Promise((resolveReady) => {
    const poll = setInterval(() => {
      if (events.some((event) => event.event === 'ready')) {
        clearInterval(poll);
        resolveReady();
      }
    }, 10);
  });
}

describe('runWorker', () => {
  it('parses every stdout line into an event, in order, and resolves with the exit status', async () => {
    const { events, stderr, done } = runFake(['count', '5']);
    const exit = await done;
    expect(exit.code).toBe(0);
    expect(events).toEqual([1, 2, 3, 4, 5].map((step) => ({ event: 'tick', step })));
    expect(stderr).toEqual(['finished counting']);
    expect(exit.stderrTail).toBe('finished counting');
  });

  it('feeds stdin lines and passes extra environment variables', async () => {
    const fromStdin = runFake(['echo-stdin'], { input: ['ab', 'abcd'] });
    await fromStdin.done;
    expect(fromStdin.events).toEqual([
      { event: 'tick', step: 2 },
      { event: 'tick', step: 4 },
    ]);
    const fromEnv = runFake(['env']);
    await fromEnv.done;
    expect(fromEnv.events).toEqual([{ event: 'tick', step: 7 }]);
  });

  it('fails on a line that is not JSON, naming its line number, and stops the worker cleanly', async () => {
    const { events, done } = runFake(['not-json']);
    const error = await pygboxRejection(done);
    expect(error.code).toBe('worker-failed');
    expect(error.message).toContain('not JSON');
    // Line 2 is blank (tolerated); line 3 is the stray log line.
    expect(error.place).toEqual({ file: 'fake_worker stdout', line: 3 });
    // Stopped with SIGTERM (a training worker saves on it), which the fixture logs on stderr.
    expect(error.hint).toContain('got signal SIGTERM');
    expect(events).toEqual([{ event: 'tick', step: 1 }]);
  });

  it('fails on an event whose field has the wrong type, naming the line and the field', async () => {
    const error = await pygboxRejection(runFake(['wrong-field']).done);
    expect(error.place).toEqual({ file: 'fake_worker stdout', line: 1, field: 'step' });
  });

  it('resolves with a failing status and keeps the traceback for the error', async () => {
    const { events, done } = runFake(['crash']);
    const exit = await done;
    expect(exit.code).toBe(1);
    expect(events).toEqual([{ event: 'tick', step: 1 }]);
    expect(exit.stderrTail).toContain('Traceback');
    const error = workerFailure('fake_worker', exit, undefined);
    expect(error.message).toBe('the worker (fake_worker) exited with status 1');
    expect(error.hint).toContain('RuntimeError: the fake worker crashed on purpose');
    const reported = workerFailure('fake_worker', exit, {
      event: 'error',
      message: 'learning_rate must be positive',
      hint: 'set train.learning_rate above 0',
      field: 'train.learning_rate',
    });
    expect(reported.place.field).toBe('train.learning_rate');
    expect(reported.describe()).toMatch(
      /^train\.learning_rate: learning_rate must be positive\n {2}hint: set/,
    );
  });

  it('interrupts the worker, which then reports and exits 130', async () => {
    let worker: RunningWorker | undefined;
    const { events, done } = runFake(['interruptible'], { onSpawn: (started) => (worker = started) });
    await whenReady(events);
    const ready = events[0];
    expect(ready?.event === 'ready' && ready.pid).toBe(worker?.pid);
    worker?.interrupt();
    const exit = await done;
    expect(exit.code).toBe(130);
    expect(events.at(-1)).toEqual({ event: 'interrupted', signal: 'SIGINT' });
  });

  it('forwards SIGINT this process receives, and kills the worker on the second one', async () => {
    const signals: number[] = [];
    const events: FakeEvent[] = [];
    const done = runWorker({
      module: 'fake_worker',
      args: ['stubborn'],
      eventSchema: fakeEventSchema,
      onEvent: (event) => events.push(event),
      onSignal: (_signal, count) => signals.push(count),
      paths,
    });
    await whenReady(events);
    process.kill(process.pid, 'SIGINT');
    await new Promise((wait) => setTimeout(wait, 300));
    process.kill(process.pid, 'SIGINT');
    const exit = await done;
    expect(signals).toEqual([1, 2]);
    expect(exit.signalsForwarded).toBe(2);
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.code).toBe(137);
    // The first one reached the worker, which chose to carry on.
    expect(exit.stderrTail).toBe('got signal SIGINT');
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('rejects with a setup hint when the interpreter is missing', async () => {
    const error = await pygboxRejection(
      runWorker({
        module: 'fake_worker',
        args: ['count', '1'],
        eventSchema: fakeEventSchema,
        onEvent: () => undefined,
        paths: { ...paths, python: join(paths.workerFolder, 'no-such-python') },
      }),
    );
    expect(error.message).toContain('cannot start the worker');
    expect(error.hint).toContain('npm run setup');
  });
});
