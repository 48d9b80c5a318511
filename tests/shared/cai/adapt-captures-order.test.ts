import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptCaptures } from '../../../shared/cai/adapt-captures.ts';
import type { AdaptedCaptures } from '../../../shared/cai/adapted-captures.ts';
import { type CaptureRecord, captureRecordSchema } from '../../../shared/capture/capture-record.ts';
import { capturedAtMinute } from '../../fixtures/cai/capture-records.ts';
import { neoTurn, neoTurnsRecord } from '../../fixtures/cai/neo-builders.ts';

/** What must not depend on record order (problem indices do, so only their kinds are compared). */
function orderFree(adapted: AdaptedCaptures) {
  return {
    chats: adapted.chats,
    characters: adapted.characters,
    identities: adapted.identities,
    recordsUsed: adapted.recordsUsed,
    problemKinds: adapted.problems.map((problem) => problem.kind).sort(),
  };
}

function readSampleRecords(): CaptureRecord[] {
  return ['neo-session.jsonl', 'legacy-session.jsonl'].flatMap((file) =>
    readFileSync(`samples/captures/${file}`, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => captureRecordSchema.parse(JSON.parse(line))),
  );
}

/** A chat of `count` turns cut into pages of `size`, chained by tokens as the site does. */
function pagedChat(count: number, size: number, timed: boolean): CaptureRecord[] {
  const turns = Array.from({ length: count }, (_, index) =>
    neoTurn({
      id: `t${String(index).padStart(3, '0')}`,
      minute: timed ? index : undefined,
      human: index % 3 === 1,
    }),
  );
  const records: CaptureRecord[] = [];
  for (let end = count, page = 0; end > 0; end -= size, page += 1) {
    records.push(
      neoTurnsRecord('chat-p', turns.slice(Math.max(0, end - size), end), {
        requestToken: page === 0 ? undefined : `tok-${page}`,
        nextToken: end - size > 0 ? `tok-${page + 1}` : null,
        capturedAt: capturedAtMinute(page),
      }),
    );
  }
  return records;
}

describe('adaptCaptures does not depend on record order', () => {
  it('gives the same result for every shuffle of the bundled samples', () => {
    const records = readSampleRecords();
    const expected = orderFree(adaptCaptures(records));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
        (shuffled) => {
          expect(orderFree(adaptCaptures(shuffled))).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rebuilds a paged chat in order from its pages in any order, with or without times', () => {
    const shuffledChat = fc
      .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9 }), fc.boolean())
      .chain(([count, size, timed]) => {
        const records = pagedChat(count, size, timed);
        return fc.tuple(
          fc.constant(count),
          fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
        );
      });
    fc.assert(
      fc.property(shuffledChat, ([count, shuffled]) => {
        const ids = adaptCaptures(shuffled).chats[0]?.messages.map((message) => message.id) ?? [];
        expect(ids).toEqual(
          Array.from({ length: count }, (_, index) => `t${String(index).padStart(3, '0')}`),
        );
      }),
      { numRuns: 100 },
    );
  });
});
