import { describe, expect, it } from 'vitest';
import { legacyHistoryMsgsAdapter } from '../../../shared/cai/legacy-history-msgs.ts';
import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';
import { LEGACY, legacyFlatMessage, legacyMsgsUrl } from '../../fixtures/cai/legacy-builders.ts';

function adapt(record: CaptureRecord) {
  return legacyHistoryMsgsAdapter.adapt(record, new URL(record.url));
}

const body = {
  messages: [
    legacyFlatMessage({ id: 201, human: true, text: 'Are you there?' }),
    legacyFlatMessage({ id: 202, human: false, text: 'Always.' }),
    legacyFlatMessage({ id: 203, human: false, text: 'Forever.', alternative: true }),
  ],
  has_more: true,
  next_page: 3,
};

describe('legacyHistoryMsgsAdapter', () => {
  it('takes the chat id and page number from the query', () => {
    const outcome = adapt(captureRecord(legacyMsgsUrl('hist-9', 2), body));
    expect(outcome.ok && outcome.yield.legacyPages?.[0]).toMatchObject({
      chatId: 'hist-9',
      pageNum: 2,
      source: 'legacy',
    });
  });

  it('counts a page without page_num as page 1', () => {
    const outcome = adapt(
      captureRecord(`${LEGACY}/chat/history/msgs/user/?history_external_id=hist-9`, body),
    );
    expect(outcome.ok && outcome.yield.legacyPages?.[0]?.pageNum).toBe(1);
  });

  it('reads roles from src__is_human and the bot name from src_char', () => {
    const outcome = adapt(captureRecord(legacyMsgsUrl('hist-9', 1), body));
    const messages = outcome.ok ? outcome.yield.legacyPages?.[0]?.messages : [];
    expect(messages?.map((message) => [message.isHuman, message.authorName, message.isAlternative])).toEqual([
      [true, 'Mira', false],
      [false, 'Orlen', false],
      [false, 'Orlen', true],
    ]);
  });

  it('collects the user name, username and responsible user, never the bot', () => {
    const outcome = adapt(captureRecord(legacyMsgsUrl('hist-9', 1), body));
    const messages = outcome.ok ? outcome.yield.legacyPages?.[0]?.messages : [];
    expect(messages?.[0]?.identities).toEqual([
      { kind: 'author-name', value: 'Mira' },
      { kind: 'username', value: 'mira_quillfeather' },
    ]);
    expect(messages?.[1]?.identities).toEqual([{ kind: 'username', value: 'mira_quillfeather' }]);
  });

  it('keeps id-less messages apart across pages', () => {
    const idless = { ...legacyFlatMessage({ id: 0, human: true, text: 'hi' }), id: null, uuid: null };
    const first = adapt(captureRecord(legacyMsgsUrl('hist-9', 1), { messages: [idless] }));
    const second = adapt(captureRecord(legacyMsgsUrl('hist-9', 2), { messages: [idless] }));
    const idOf = (outcome: typeof first) =>
      outcome.ok ? outcome.yield.legacyPages?.[0]?.messages[0]?.id : undefined;
    expect(idOf(first)).not.toBe(idOf(second));
  });

  it('refuses a URL without history_external_id', () => {
    const outcome = adapt(captureRecord(`${LEGACY}/chat/history/msgs/user/?page_num=1`, body));
    expect(outcome).toMatchObject({ ok: false, kind: 'unknown-shape' });
    expect(!outcome.ok && outcome.message).toContain('history_external_id');
  });
});
