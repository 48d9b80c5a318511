import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';
import { abortableSleep, dumpCancelled } from '../../../shared/dump/abortable-sleep.ts';
import { type DumpCursorStore, openDumpCursorStore } from '../../../shared/dump/dump-cursor-store.ts';
import type { DumpProgress } from '../../../shared/dump/dump-progress.ts';
import type { DumpScope } from '../../../shared/dump/dump-scope.ts';
import { type RunDumpOptions, runDump } from '../../../shared/dump/run-dump.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { openPygboxStore, type PygboxStore } from '../../../shared/store/pygbox-store.ts';
import {
  chosenText,
  FAKE_LEGACY_CHATS,
  FAKE_NEO_CHATS,
  FAKE_SESSION_TOKEN,
} from '../../support/fake-cai-site/fake-cai-data.ts';
import { type FakeCaiSite, startFakeCaiSite } from '../../support/fake-cai-site/start-fake-cai-site.ts';
import { fakeSiteTransport } from './fake-site-transport.ts';

const [VEXA_LONG, VEXA_SHORT, LUMEN] = FAKE_NEO_CHATS as [
  (typeof FAKE_NEO_CHATS)[number],
  (typeof FAKE_NEO_CHATS)[number],
  (typeof FAKE_NEO_CHATS)[number],
];
const VEXA = VEXA_LONG.characterId;

let site: FakeCaiSite;
beforeAll(async () => {
  site = await startFakeCaiSite();
});
afterAll(async () => {
  await site.close();
});

interface Rig {
  store: PygboxStore;
  cursors: DumpCursorStore;
  factory: IDBFactory;
  records: CaptureRecord[];
  sleeps: number[];
  progress: DumpProgress[];
  run(scope: DumpScope, extra?: Partial<RunDumpOptions>): Promise<DumpProgress>;
}

const rigs: Rig[] = [];
afterEach(() => {
  for (const rig of rigs.splice(0)) {
    rig.store.close();
    rig.cursors.close();
  }
  site.releaseHeld();
  site.clearFaults();
  site.requests.splice(0);
});

async function rig(): Promise<Rig> {
  const factory = new IDBFactory();
  const store = await openPygboxStore({ indexedDB: factory });
  const cursors = await openDumpCursorStore({ indexedDB: factory });
  const records: CaptureRecord[] = [];
  const sleeps: number[] = [];
  const progress: DumpProgress[] = [];
  const made: Rig = {
    store,
    cursors,
    factory,
    records,
    sleeps,
    progress,
    run: (scope, extra = {}) =>
      runDump({
        scope,
        request: fakeSiteTransport(site.url),
        sink: async (batch) => {
          records.push(...batch);
          await store.addCaptures(batch);
        },
        cursors,
        onProgress: (step) => progress.push(step),
        backoff: { baseMs: 100, maxMs: 1_000, maxAttempts: 4 },
        sleep: async (ms, signal) => {
          sleeps.push(ms);
          if (signal?.aborted === true) throw dumpCancelled();
        },
        random: () => 0.5,
        now: () => new Date('2026-02-01T00:00:00.000Z'),
        ...extra,
      }),
  };
  rigs.push(made);
  return made;
}

const dumperTurnRequests = () => site.requests.filter((entry) => entry.target.includes('/turns/'));

async function messageIds(store: PygboxStore, chatId: string): Promise<string[]> {
  return (await store.getChat(chatId))?.messages.map((message) => message.id) ?? [];
}

describe('runDump against a misbehaving server', () => {
  it('stops following a chat list whose next_token never ends', async () => {
    const cursors = await openDumpCursorStore({ indexedDB: new IDBFactory() });
    let listPages = 0;
    const result = await runDump({
      scope: { kind: 'character', api: 'neo', characterId: 'char-loop' },
      request: async (url) => {
        if (url.includes('/chats/')) {
          listPages += 1;
          // A fresh token every time: the repeat check alone would never stop this.
          const chats = listPages === 1 ? [{ chat_id: 'chat-loop-1', character_id: 'char-loop' }] : [];
          return { status: 200, bodyText: JSON.stringify({ chats, meta: { next_token: `t${listPages}` } }) };
        }
        if (url.includes('/turns/'))
          return { status: 200, bodyText: '{"turns":[],"meta":{"next_token":null}}' };
        return { status: 200, bodyText: '{"character":{}}' };
      },
      sink: async () => undefined,
      cursors,
      sleep: async () => undefined,
    });
    cursors.close();
    expect(listPages).toBe(1_000);
    expect(result).toMatchObject({ phase: 'finished', chatsTotal: 1, chatsDone: 1 });
  });
});

describe('runDump, neo', () => {
  it('pages one chat to the end, keeps the last page, and the store builds every turn once', async () => {
    const r = await rig();
    const result = await r.run({ kind: 'chat', api: 'neo', characterId: VEXA, chatId: VEXA_LONG.chatId });
    expect(result).toMatchObject({
      phase: 'finished',
      chatsTotal: 1,
      chatsDone: 1,
      chatsFailed: 0,
      items: 120,
    });
    // chat link + character info + 3 turns pages.
    expect(result.pages).toBe(5);
    expect(dumperTurnRequests().map((entry) => entry.target)).toEqual([
      `/_neo/turns/${VEXA_LONG.chatId}/`,
      `/_neo/turns/${VEXA_LONG.chatId}/?next_token=${encodeURIComponent(`pg+50/${VEXA_LONG.chatId}==`)}`,
      `/_neo/turns/${VEXA_LONG.chatId}/?next_token=${encodeURIComponent(`pg+100/${VEXA_LONG.chatId}==`)}`,
    ]);
    const ids = await messageIds(r.store, VEXA_LONG.chatId);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    const chat = await r.store.getChat(VEXA_LONG.chatId);
    // The oldest turn comes from the last page: it was kept.
    expect(chat?.messages[0]?.text).toBe(chosenText(VEXA_LONG, 0));
    expect(chat?.messages[7]?.text).toBe(chosenText(VEXA_LONG, 7));
    expect(chat?.character).toMatchObject({ id: VEXA, name: 'Captain Vexa' });
    expect(await r.cursors.getJob(`chat:neo:${VEXA}:${VEXA_LONG.chatId}`)).toBeUndefined();
    // One request at a time with a pause between each: 4 pauses for 5 requests.
    expect(r.sleeps).toEqual([400, 400, 400, 400]);
  });

  it('dumps the current chat of a character when no chat id is given', async () => {
    const r = await rig();
    const result = await r.run({ kind: 'chat', api: 'neo', characterId: 'char-lumen-0002' });
    expect(result.chatsDone).toBe(1);
    expect(await messageIds(r.store, LUMEN.chatId)).toHaveLength(30);
  });

  it('lists every chat of a character through the paged chat list and dumps them all', async () => {
    const r = await rig();
    const result = await r.run({ kind: 'character', api: 'neo', characterId: VEXA });
    expect(result).toMatchObject({ phase: 'finished', chatsTotal: 2, chatsDone: 2, items: 180 });
    expect(site.requests.filter((entry) => entry.target.startsWith('/_neo/chats/?')).length).toBe(2);
    expect(await messageIds(r.store, VEXA_LONG.chatId)).toHaveLength(120);
    expect(await messageIds(r.store, VEXA_SHORT.chatId)).toHaveLength(60);
    const characters = (await r.store.listChats()).map((chat) => chat.character?.name);
    expect(characters).toEqual(['Captain Vexa', 'Captain Vexa']);
  });

  it('dumps everything: every character of the recent chats, all their chats', async () => {
    const r = await rig();
    const result = await r.run({ kind: 'everything' });
    expect(result).toMatchObject({ phase: 'finished', chatsTotal: 3, chatsDone: 3, items: 210 });
    expect((await r.store.counts()).chats).toBe(3);
  });

  it('backs off on a 429, an HTML error page and a neo_error, then keeps every page', async () => {
    const r = await rig();
    site.addFault({ match: /next_token=pg%2B50/, kind: 'rate-limit' });
    site.addFault({ match: /\/chats\/\?character_ids/, kind: 'html' });
    site.addFault({ match: new RegExp(`/turns/${VEXA_SHORT.chatId}/$`), kind: 'neo-error' });
    const result = await r.run({ kind: 'character', api: 'neo', characterId: VEXA });
    expect(result).toMatchObject({ phase: 'finished', chatsDone: 2, chatsFailed: 0, retries: 3 });
    // Each failure waited one jittered first step (100 * 0.75) between the regular pauses.
    expect(r.sleeps.filter((ms) => ms !== 400)).toEqual([75, 75, 75]);
    expect(r.progress.some((step) => step.phase === 'waiting' && step.problem?.includes('HTTP 429'))).toBe(
      true,
    );
    expect(await messageIds(r.store, VEXA_LONG.chatId)).toHaveLength(120);
    expect(await messageIds(r.store, VEXA_SHORT.chatId)).toHaveLength(60);
    // Error answers are not recorded as pages.
    expect(r.records.every((record) => record.status === 200 && typeof record.body === 'object')).toBe(true);
  });

  it("waits as long as a 429's Retry-After asks when that is longer than its own backoff", async () => {
    const r = await rig();
    site.addFault({ match: /next_token=pg%2B50/, kind: 'rate-limit', retryAfterSeconds: 30 });
    const result = await r.run({ kind: 'chat', api: 'neo', chatId: VEXA_LONG.chatId });
    expect(result).toMatchObject({ phase: 'finished', chatsDone: 1, retries: 1 });
    // Backoff alone would wait 75 ms; the server asked for 30 s.
    expect(r.sleeps.filter((ms) => ms !== 400)).toEqual([30_000]);
    expect(r.progress.some((step) => step.phase === 'waiting' && step.waitMs === 30_000)).toBe(true);
    expect(await messageIds(r.store, VEXA_LONG.chatId)).toHaveLength(120);
  });

  it('waits longer each time, gives up on a chat that keeps failing, finishes the others and retries only it next run', async () => {
    const r = await rig();
    site.addFault({ match: new RegExp(`/turns/${VEXA_SHORT.chatId}/`), kind: 'rate-limit', times: 4 });
    const first = await r.run({ kind: 'character', api: 'neo', characterId: VEXA });
    expect(first).toMatchObject({ phase: 'finished', chatsDone: 1, chatsFailed: 1 });
    expect(first.problem).toContain('gave up after 4 tries');
    expect(r.sleeps.filter((ms) => ms !== 400)).toEqual([75, 150, 300]);

    site.requests.splice(0);
    const second = await r.run({ kind: 'character', api: 'neo', characterId: VEXA });
    expect(second).toMatchObject({ phase: 'finished', resumed: true, chatsDone: 2, chatsFailed: 0 });
    expect(site.requests.every((entry) => !entry.target.includes(VEXA_LONG.chatId))).toBe(true);
    expect(await messageIds(r.store, VEXA_SHORT.chatId)).toHaveLength(60);
  });

  it('forgets a saved cursor the site no longer accepts, so the retry run dumps the chat from its start', async () => {
    const r = await rig();
    // Left by an interrupted run long ago; the site now answers a neo_error for that position.
    await r.cursors.putChatCursor(`neo:${LUMEN.chatId}`, { api: 'neo', nextToken: 'expired-token' });
    const scope: DumpScope = { kind: 'chat', api: 'neo', chatId: LUMEN.chatId };
    expect(await r.run(scope)).toMatchObject({ chatsFailed: 1 });
    expect(await r.cursors.getChatCursor(`neo:${LUMEN.chatId}`)).toBeUndefined();
    expect(await r.run(scope)).toMatchObject({ resumed: true, chatsDone: 1, chatsFailed: 0 });
    expect(await messageIds(r.store, LUMEN.chatId)).toHaveLength(LUMEN.turnCount);
  });

  it('lets a chat that fails again on the retry run go, so the next run lists afresh', async () => {
    const r = await rig();
    site.addFault({ match: new RegExp(`/turns/${LUMEN.chatId}/`), kind: 'neo-error', times: 8 });
    const scope: DumpScope = { kind: 'chat', api: 'neo', chatId: LUMEN.chatId };
    expect(await r.run(scope)).toMatchObject({ chatsFailed: 1, resumed: false });
    expect(await r.cursors.getJob(`chat:neo::${LUMEN.chatId}`)).toBeDefined();
    expect(await r.run(scope)).toMatchObject({ chatsFailed: 1, resumed: true });
    expect(await r.cursors.getJob(`chat:neo::${LUMEN.chatId}`)).toBeUndefined();
    expect(await r.run(scope)).toMatchObject({ chatsDone: 1, chatsFailed: 0, resumed: false });
  });

  it('fails a chat at once on 401, without retrying, and names the fix', async () => {
    const r = await rig();
    const result = await r.run(
      { kind: 'chat', api: 'neo', chatId: LUMEN.chatId },
      { request: fakeSiteTransport(site.url, { token: undefined }) },
    );
    expect(result).toMatchObject({ chatsFailed: 1, retries: 0 });
    expect(result.problem).toContain('HTTP 401');
  });

  it('resumes an interrupted dump from the saved cursor and ends with every turn exactly once', async () => {
    const r = await rig();
    const controller = new AbortController();
    let turnPages = 0;
    const interrupted = r.run(
      { kind: 'chat', api: 'neo', chatId: VEXA_LONG.chatId },
      {
        signal: controller.signal,
        sink: async (batch) => {
          await r.store.addCaptures(batch);
          if (batch.some((record) => record.url.includes('/turns/')) && ++turnPages === 2) controller.abort();
        },
      },
    );
    await expect(interrupted).rejects.toMatchObject({ code: 'dump-cancelled' });
    expect(await r.cursors.getChatCursor(`neo:${VEXA_LONG.chatId}`)).toEqual({
      api: 'neo',
      nextToken: `pg+100/${VEXA_LONG.chatId}==`,
    });
    expect(await messageIds(r.store, VEXA_LONG.chatId)).toHaveLength(100);

    site.requests.splice(0);
    const resumed = await r.run({ kind: 'chat', api: 'neo', chatId: VEXA_LONG.chatId });
    expect(resumed).toMatchObject({ phase: 'finished', resumed: true, chatsDone: 1, pages: 1, items: 20 });
    expect(dumperTurnRequests().map((entry) => entry.target)).toEqual([
      `/_neo/turns/${VEXA_LONG.chatId}/?next_token=${encodeURIComponent(`pg+100/${VEXA_LONG.chatId}==`)}`,
    ]);
    const ids = await messageIds(r.store, VEXA_LONG.chatId);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);

    // A third run refetches (new turns may exist) and adds nothing twice.
    await r.run({ kind: 'chat', api: 'neo', chatId: VEXA_LONG.chatId });
    expect(await messageIds(r.store, VEXA_LONG.chatId)).toEqual(ids);
  });

  it('cancels at once even while waiting out a long backoff', async () => {
    const r = await rig();
    site.addFault({ match: /\/turns\//, kind: 'rate-limit', times: 5 });
    const controller = new AbortController();
    const started = Date.now();
    const running = r.run(
      { kind: 'chat', api: 'neo', chatId: LUMEN.chatId },
      {
        signal: controller.signal,
        sleep: abortableSleep,
        pauseMs: 0,
        backoff: { baseMs: 60_000, maxMs: 60_000 },
      },
    );
    await expect.poll(() => r.progress.at(-1)?.phase).toBe('waiting');
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'dump-cancelled' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.progress.at(-1)?.phase).toBe('cancelled');
  });

  it('stops at once, keeping what was fetched, when the store cannot save a page', async () => {
    const r = await rig();
    const broken = new PygboxError('store-quota', 'the disk is full');
    await expect(
      r.run(
        { kind: 'character', api: 'neo', characterId: VEXA },
        {
          sink: async () => {
            throw broken;
          },
        },
      ),
    ).rejects.toBe(broken);
    expect(site.requests.length).toBe(1);
  });

  it('never records, logs or stores the session token', async () => {
    const r = await rig();
    expect(await r.run({ kind: 'everything' })).toMatchObject({ chatsDone: 3, chatsFailed: 0 });
    expect(JSON.stringify(r.records)).not.toContain(FAKE_SESSION_TOKEN);
    expect(JSON.stringify(r.progress)).not.toContain(FAKE_SESSION_TOKEN);
    expect(JSON.stringify(await r.store.listCaptures())).not.toContain(FAKE_SESSION_TOKEN);
    expect(site.requests.filter((entry) => entry.api !== 'page').every((entry) => entry.hasToken)).toBe(true);
  });
});

describe('runDump, legacy', () => {
  const [LEGACY] = FAKE_LEGACY_CHATS as [(typeof FAKE_LEGACY_CHATS)[number]];

  it('pages legacy messages by page_num until has_more is false', async () => {
    const r = await rig();
    const result = await r.run({
      kind: 'chat',
      api: 'legacy',
      chatId: LEGACY.chatId,
      characterId: LEGACY.characterId,
    });
    expect(result).toMatchObject({ phase: 'finished', chatsDone: 1, items: 12 });
    expect(
      site.requests
        .filter((entry) => entry.target.includes('msgs/user'))
        .map((entry) => entry.target.split('page_num=')[1]),
    ).toEqual(['1', '2', '3']);
    expect(await messageIds(r.store, LEGACY.chatId)).toHaveLength(12);
  });

  it('dumps a legacy character through its histories in one request', async () => {
    const r = await rig();
    const result = await r.run({ kind: 'character', api: 'legacy', characterId: LEGACY.characterId });
    expect(result).toMatchObject({ phase: 'finished', chatsTotal: 0, items: 12 });
    expect(await messageIds(r.store, LEGACY.chatId)).toHaveLength(12);
  });
});
