import { describe, expect, it } from 'vitest';
import type { DumpProgress } from '../../shared/dump/dump-progress.ts';
import { describeProgress } from '../../userscript/panel/describe-progress.ts';

const base: DumpProgress = {
  phase: 'dumping',
  chatsTotal: 3,
  chatsDone: 1,
  chatsFailed: 0,
  pages: 4,
  items: 150,
  retries: 1,
  resumed: false,
};

describe('describeProgress', () => {
  it('says what is being done, with counts', () => {
    expect(describeProgress(base)).toBe('Dumping: 1 of 3 chats done; 4 pages, 150 messages fetched; 1 retry');
    expect(describeProgress({ ...base, phase: 'dumping', resumed: true, retries: 0 })).toBe(
      'Resumed. Dumping: 1 of 3 chats done; 4 pages, 150 messages fetched',
    );
  });

  it('says how long it waits and why', () => {
    expect(
      describeProgress({
        ...base,
        phase: 'waiting',
        waitMs: 2_400,
        problem: 'rate limited (HTTP 429) on /turns/{id}/',
      }),
    ).toBe(
      'Waiting 3 s before retrying (rate limited (HTTP 429) on /turns/{id}/). 1 of 3 chats done; 4 pages, 150 messages fetched',
    );
  });

  it('tells a cancelled dump how to continue, and counts failed chats', () => {
    expect(describeProgress({ ...base, phase: 'cancelled' })).toContain('Start the same dump again');
    expect(
      describeProgress({
        ...base,
        phase: 'finished',
        chatsDone: 2,
        chatsFailed: 1,
        retries: 0,
        problem: '/turns/{id}/ failed with HTTP 401',
      }),
    ).toBe(
      'Finished: 2 of 3 chats done, 1 failed; 4 pages, 150 messages fetched. Last problem: /turns/{id}/ failed with HTTP 401. Press the same button again to retry the failed chats.',
    );
    expect(describeProgress({ ...base, phase: 'finished', chatsDone: 3, retries: 0 })).toBe(
      'Finished: 3 of 3 chats done; 4 pages, 150 messages fetched.',
    );
  });
});
