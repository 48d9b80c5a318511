import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../shared/capture/capture-record.ts';
import type { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { createCaptureSink } from '../../userscript/capture-sink.ts';

const record = (n: number): CaptureRecord => ({
  url: `https://neo.character.ai/turns/chat-${n}/`,
  method: 'GET',
  status: 200,
  body: { turns: [] },
  capturedAt: '2026-01-01T00:00:00.000Z',
});

describe('createCaptureSink', () => {
  it('gathers a burst of records into one save, in order', async () => {
    const saves: CaptureRecord[][] = [];
    let saved = 0;
    const sink = createCaptureSink({
      save: async (batch) => saves.push(batch),
      onSaved: () => saved++,
      onError: () => undefined,
      delayMs: 5,
    });
    sink.add(record(1));
    sink.add(record(2));
    await new Promise((resolve) => setTimeout(resolve, 30));
    sink.add(record(3));
    await sink.flush();
    expect(saves.map((batch) => batch.map((r) => r.url.split('/')[4]))).toEqual([
      ['chat-1', 'chat-2'],
      ['chat-3'],
    ]);
    expect(saved).toBe(2);
  });

  it('retries a failed save, then reports it in plain words instead of throwing', async () => {
    let tries = 0;
    const errors: PygboxError[] = [];
    const sink = createCaptureSink({
      save: async () => {
        tries++;
        throw new DOMException('quota', 'QuotaExceededError');
      },
      onSaved: () => undefined,
      onError: (error) => errors.push(error),
    });
    sink.add(record(1));
    await sink.flush();
    expect(tries).toBe(3);
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      ['store-failed', 'a captured response could not be saved'],
    ]);
  });
});
