import { describe, expect, it } from 'vitest';
import { createCaptureBatcher } from '../../../extension/content/capture-batcher.ts';
import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';

function record(index: number): CaptureRecord {
  return {
    url: `https://neo.character.ai/turns/chat-${index}/`,
    method: 'GET',
    status: 200,
    body: { turns: [], meta: { next_token: null } },
    capturedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** Timers run when the test says so, so batching is checked without waiting. */
function manualTimers() {
  const due: (() => void)[] = [];
  return {
    setTimer: (run: () => void) => {
      due.push(run);
    },
    runAll: () => {
      for (const run of due.splice(0)) run();
    },
  };
}

describe('capture batcher', () => {
  it('sends records that arrive together as one batch, in order', async () => {
    const timers = manualTimers();
    const batches: number[][] = [];
    const batcher = createCaptureBatcher({
      deliver: async (records) => {
        batches.push(records.map((entry) => Number(entry.url.match(/chat-(\d+)/)?.[1])));
      },
      setTimer: timers.setTimer,
    });
    batcher.add(record(1));
    batcher.add(record(2));
    expect(batches).toEqual([]);
    timers.runAll();
    await batcher.flush();
    expect(batches).toEqual([[1, 2]]);
  });

  it('sends at once when a batch is full', async () => {
    const batches: number[] = [];
    const batcher = createCaptureBatcher({
      deliver: async (records) => {
        batches.push(records.length);
      },
      maxRecords: 3,
      setTimer: () => undefined,
    });
    for (let index = 0; index < 7; index += 1) batcher.add(record(index));
    await batcher.flush();
    expect(batches).toEqual([3, 3, 1]);
  });

  it('tries a failed batch again, and reports it dropped only after the last try', async () => {
    const timers = { setTimer: (run: () => void) => void Promise.resolve().then(run) };
    let calls = 0;
    const dropped: number[] = [];
    const flaky = createCaptureBatcher({
      deliver: async () => {
        calls += 1;
        if (calls < 2) throw new Error('worker restarting');
      },
      onDropped: (count) => dropped.push(count),
      ...timers,
    });
    flaky.add(record(1));
    await flaky.flush();
    expect({ calls, dropped }).toEqual({ calls: 2, dropped: [] });

    const broken = createCaptureBatcher({
      deliver: async () => {
        throw new Error('extension reloaded');
      },
      maxAttempts: 3,
      onDropped: (count) => dropped.push(count),
      ...timers,
    });
    broken.add(record(1));
    broken.add(record(2));
    await broken.flush();
    expect(dropped).toEqual([2]);
  });
});
