import { describe, expect, it } from 'vitest';
import { answerRequest } from '../../../extension/messages/answer-request.ts';
import { parseMessage } from '../../../extension/messages/parse-message.ts';
import { type SendMessage, sendToWorker } from '../../../extension/messages/send-to-worker.ts';
import { workerRequestSchema } from '../../../extension/messages/worker-protocol.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';

const RECORD = {
  url: 'https://neo.character.ai/turns/chat-1/',
  method: 'GET',
  status: 200,
  body: { turns: [], meta: { next_token: null } },
  capturedAt: '2025-01-01T00:00:00.000Z',
};

/**
 * A channel that behaves like Chrome's runtime messaging: the message and the reply each cross as
 * JSON (an Error arrives as `{}`), and the receiver parses what it gets.
 */
function channelTo(
  handle: (request: ReturnType<typeof workerRequestSchema.parse>) => Promise<unknown>,
): SendMessage {
  return async (message) => {
    const received: unknown = JSON.parse(JSON.stringify(message));
    const reply = await answerRequest(() =>
      handle(parseMessage(workerRequestSchema, received, 'worker request')),
    );
    return JSON.parse(JSON.stringify(reply));
  };
}

describe('the worker message protocol', () => {
  it('delivers a typed request and returns the typed reply', async () => {
    const seen: unknown[] = [];
    const send = channelTo(async (request) => {
      seen.push(request);
      return { captures: 1, chats: 1, newMessages: 0, problems: 0 };
    });
    const reply = await sendToWorker(send, { type: 'captures', records: [RECORD] });
    expect(reply).toEqual({ captures: 1, chats: 1, newMessages: 0, problems: 0 });
    expect(seen).toEqual([{ type: 'captures', records: [RECORD] }]);
  });

  it("throws the worker's PygboxError again on the caller's side, code, place and hint included", async () => {
    const send = channelTo(async () => {
      throw new PygboxError('store-quota', "the browser's storage is full", {
        hint: 'Free disk space.',
        place: { file: 'IndexedDB' },
      });
    });
    const error = await pygboxRejection(sendToWorker(send, { type: 'status' }));
    expect(error).toMatchObject({
      code: 'store-quota',
      message: "the browser's storage is full",
      hint: 'Free disk space.',
      place: { file: 'IndexedDB' },
    });
  });

  it('turns any other error into message-invalid without its text, which may quote user data', async () => {
    const send = channelTo(async () => {
      throw new Error('Orla Brightwater said something');
    });
    const error = await pygboxRejection(sendToWorker(send, { type: 'status' }));
    expect(error.code).toBe('message-invalid');
    expect(error.message).not.toContain('Orla');
  });

  it('refuses a request of an unknown type or with a bad record, naming the field', async () => {
    const handled: unknown[] = [];
    const send = channelTo(async (request) => handled.push(request));
    const unknownType = await pygboxRejection(
      sendToWorker(send, { type: 'wipe-everything' } as unknown as { type: 'status' }),
    );
    expect(unknownType).toMatchObject({ code: 'message-invalid', place: { field: 'type' } });
    const badRecord = await pygboxRejection(
      sendToWorker(send, { type: 'captures', records: [{ ...RECORD, status: 'ok' }] } as never),
    );
    expect(badRecord).toMatchObject({ code: 'message-invalid', place: { field: 'records[0].status' } });
    expect(handled).toEqual([]);
  });

  it('checks the reply too: a reply of the wrong shape is an error, not a value', async () => {
    const send = channelTo(async () => ({ counts: { chats: 'many' } }));
    const error = await pygboxRejection(sendToWorker(send, { type: 'status' }));
    expect(error).toMatchObject({ code: 'message-invalid', place: { file: 'status reply' } });
  });

  it('says the background did not answer when the channel itself fails', async () => {
    const send: SendMessage = async () => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    };
    const error = await pygboxRejection(sendToWorker(send, { type: 'dump-cancel' }));
    expect(error.code).toBe('message-invalid');
    expect(error.hint).toMatch(/Reload the extension/);
  });
});
