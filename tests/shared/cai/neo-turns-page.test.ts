import { describe, expect, it } from 'vitest';
import { neoTurnsPageAdapter } from '../../../shared/cai/neo-turns-page.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';
import { NEO, neoTurn, neoTurnsRecord } from '../../fixtures/cai/neo-builders.ts';

function adapt(record: ReturnType<typeof captureRecord>) {
  return neoTurnsPageAdapter.adapt(record, new URL(record.url));
}

describe('neoTurnsPageAdapter', () => {
  it('keeps the turns newest first with both tokens of the page chain', () => {
    const record = neoTurnsRecord('chat-7', [neoTurn({ id: 't1' }), neoTurn({ id: 't2' })], {
      requestToken: 'tok/with+odd=chars',
      nextToken: 'tok-older',
    });
    const outcome = adapt(record);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const page = outcome.yield.neoPages?.[0];
    expect(page?.chatId).toBe('chat-7');
    expect(page?.turns.map((turn) => turn.turn_key.turn_id)).toEqual(['t2', 't1']);
    expect(page?.requestToken).toBe('tok/with+odd=chars');
    expect(page?.nextToken).toBe('tok-older');
    expect(page?.preview).toBe(false);
  });

  it.each([
    ['no query', `${NEO}/turns/chat-8/`, undefined],
    ['an empty token', `${NEO}/turns/chat-8/?next_token=`, undefined],
    ['a token', `${NEO}/turns/chat-8/?next_token=abc`, 'abc'],
  ])('reads the request token from %s', (_label, url, expected) => {
    const outcome = adapt(captureRecord(url, { turns: [], meta: { next_token: null } }));
    expect(outcome.ok && outcome.yield.neoPages?.[0]?.requestToken).toBe(expected);
  });

  it('decodes a percent-encoded chat id and accepts a missing meta', () => {
    const outcome = adapt(captureRecord(`${NEO}/turns/chat%2D9`, { turns: [] }));
    expect(outcome.ok && outcome.yield.neoPages?.[0]).toMatchObject({
      chatId: 'chat-9',
      nextToken: undefined,
    });
  });

  it('reads a missing raw_content, an absent is_human and an editor without failing', () => {
    const turn = neoTurn({
      id: 't1',
      candidates: [{ id: 'c1', text: undefined, editor: { author_id: '42', name: 'Mira' } }],
    });
    const outcome = adapt(neoTurnsRecord('chat-7', [turn]));
    const parsed = outcome.ok ? outcome.yield.neoPages?.[0]?.turns[0] : undefined;
    expect(parsed?.author.is_human).toBeUndefined();
    expect(parsed?.candidates[0]?.raw_content).toBeUndefined();
    expect(parsed?.candidates[0]?.editor?.name).toBe('Mira');
  });

  it.each([
    ['turns missing', { meta: {} }, 'turns'],
    [
      'a candidate without id',
      { turns: [{ ...neoTurn({ id: 't1' }), candidates: [{ raw_content: 'x' }] }] },
      'turns[0].candidates[0].candidate_id',
    ],
    [
      'author missing',
      { turns: [{ turn_key: { chat_id: 'c', turn_id: 't' }, candidates: [] }] },
      'turns[0].author',
    ],
  ])('reports %s as unknown-shape naming the field path, never the values', (_label, body, path) => {
    const outcome = adapt(captureRecord(`${NEO}/turns/chat-7/`, body));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.kind).toBe('unknown-shape');
    expect(outcome.message).toContain(path);
    expect(outcome.message).not.toContain('"x"');
  });
});
