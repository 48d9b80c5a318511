/// <reference types="chrome" />
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DUMP_STATUS_KEY, dumpStatusSchema } from '../../extension/messages/dump-status.ts';
import { readExportZip } from '../../shared/zip/read-export-zip.ts';
import { type LaunchedExtension, launchExtension } from '../extension/support/launch-extension.ts';
import { FAKE_IDENTITY_STRINGS, FAKE_NEO_CHATS } from '../support/fake-cai-site/fake-cai-data.ts';
import { spawnListening } from '../support/spawn-listening.ts';

/** Long enough for a loaded CI machine; a poll returns as soon as its check passes. */
const UI_TIMEOUT = { timeout: 15_000 };

const CHAT_PAGE = 'https://character.ai/chat/char-vexa-0001?hist=chat-vexa-aaaa-1111';
const ALL_TURNS = FAKE_NEO_CHATS.reduce((sum, chat) => sum + chat.turnCount, 0);

/** What the worker keeps in `storage.local`, read back as the worker writes it. */
const storedStatusSchema = z.object({ [DUMP_STATUS_KEY]: dumpStatusSchema });

let launched: LaunchedExtension;

beforeAll(async () => {
  launched = await launchExtension();
});

afterAll(async () => {
  await launched?.close();
});

/** `pygbox serve` as a contributor's collector runs it, on a free port; resolves once it listens. */
async function startCollectionServer(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const { child, url } = await spawnListening([
    'trainer-node/bin/pygbox.js',
    'serve',
    '--port',
    '0',
    '--data',
    dataDir,
  ]);
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await stopped;
    },
  };
}

async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function extensionUrl(path: string): string {
  return `chrome-extension://${launched.extensionId}/${path}`;
}

async function openPopup(): Promise<Page> {
  const popup = await launched.context.newPage();
  await popup.goto(extensionUrl('popup.html'));
  return popup;
}

/**
 * Clicks an export button and returns the bytes the browser saved through `downloads`. Under
 * DevTools' download control Chromium names a blob download by its GUID, not by the `filename` the
 * extension asked for, so the name is checked where the extension reports it (its notice).
 */
async function exportZipFrom(page: Page, button: string): Promise<Uint8Array> {
  const download = page.waitForEvent('download', { timeout: 20_000 });
  await page.click(button);
  return new Uint8Array(readFileSync(await (await download).path()));
}

/** Every entry inflated: the identity check reads what a recipient would read, not deflated bytes. */
function zipTexts(bytes: Uint8Array): string[] {
  return Object.values(unzipSync(bytes)).map((entry) => new TextDecoder().decode(entry));
}

function leakedIdentities(texts: readonly string[]): string[] {
  return FAKE_IDENTITY_STRINGS.filter((identity) =>
    texts.some((text) => text.toLowerCase().includes(identity.toLowerCase())),
  );
}

describe('the extension in Chromium', () => {
  it('captures the page, cancels and resumes a dump, survives a service-worker stop, and exports an anonymized zip', async () => {
    const { context, site } = launched;
    // Browse: the page-world hook and the relay run on the (fake) character.ai.
    const tab = await context.newPage();
    await tab.goto(CHAT_PAGE);
    await tab.waitForFunction(() => Reflect.get(window, '__fakeSite')?.done === true);
    // The page got every answer it asked for, untouched in status; its own abort stays its own.
    const pageResults = z
      .array(z.object({ label: z.string(), status: z.number().optional(), rejected: z.string().optional() }))
      .parse(await tab.evaluate(() => Reflect.get(window, '__fakeSite')?.results));
    expect(pageResults.map((result) => [result.label, result.status ?? result.rejected])).toEqual([
      ['chat', 200],
      ['character', 200],
      ['turns-1', 200],
      ['turns-2', 200],
      ['user', 200],
      ['aborted', 'AbortError'],
      ['config', 200],
    ]);

    const popup = await openPopup();
    // The page loaded two turn pages of its chat (50 + 50 turns); the hook captured both.
    await expect
      .poll(() => popup.textContent('#counts'), { timeout: 15_000 })
      .toBe('1 character · 1 chat · 100 messages');

    // Start a dump and cancel it: the button turns back, and what was fetched stays.
    await popup.click('#dump');
    await expect.poll(() => popup.textContent('#dump'), UI_TIMEOUT).toBe('Cancel dump');
    await popup.click('#dump');
    await expect.poll(() => popup.textContent('#dump-line'), UI_TIMEOUT).toMatch(/^Dump cancelled/);
    expect(await popup.textContent('#dump')).toBe('Dump all chats');

    // Dump again, close the popup, and stop the service worker while one of its requests is held by
    // the site. Nothing of the extension is open then: only the tab's relay can wake a new worker.
    site.holdApiAfter(6);
    await popup.click('#dump');
    await expect.poll(() => site.heldCount(), { timeout: 20_000 }).toBeGreaterThan(0);
    await popup.close();
    const statuses: string[] = [];
    const cdp = await context.newCDPSession(tab);
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const version of versions) {
        if (version.scriptURL.endsWith('/service-worker.js')) statuses.push(version.runningStatus);
      }
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await expect.poll(() => statuses.includes('stopped'), UI_TIMEOUT).toBe(true);
    // The held request fails as a lost connection would.
    site.releaseHeld();
    const lastChat = FAKE_NEO_CHATS.at(-1)?.chatId ?? '';
    await expect
      .poll(
        () =>
          site.requests.some(
            (entry) => entry.target.startsWith(`/turns/${lastChat}/`) && entry.outcome === 'ok',
          ),
        {
          timeout: 60_000,
        },
      )
      .toBe(true);
    // A new worker ran after the stopped one.
    expect(statuses.lastIndexOf('running')).toBeGreaterThan(statuses.indexOf('stopped'));

    const again = await openPopup();
    await expect
      .poll(() => again.textContent('#dump-line'), { timeout: 30_000 })
      .toMatch(/^Dump finished: 3 of 3 chats/);
    const stored = storedStatusSchema.parse(
      await again.evaluate((key) => chrome.storage.local.get(key), DUMP_STATUS_KEY),
    );
    expect(stored.dumpStatus).toMatchObject({
      state: 'finished',
      progress: { chatsDone: 3, chatsFailed: 0 },
    });
    expect(stored.dumpStatus.restarts).toBeGreaterThanOrEqual(1);
    await expect
      .poll(() => again.textContent('#counts'), UI_TIMEOUT)
      .toBe(`2 characters · ${FAKE_NEO_CHATS.length} chats · ${ALL_TURNS} messages`);

    // One click exports; the zip passes the shared reader and holds no identity string.
    const zip = await exportZipFrom(again, '#export');
    await expect
      .poll(() => again.textContent('#notices'), UI_TIMEOUT)
      .toMatch(/^Saved pygbox-export-\d{4}-\d{2}-\d{2}\.zip \(3 chats\)\.$/);
    const contents = await readExportZip(zip);
    expect(contents.chats.map((chat) => chat.messages.length).sort((a, b) => a - b)).toEqual(
      FAKE_NEO_CHATS.map((chat) => chat.turnCount).sort((a, b) => a - b),
    );
    expect(leakedIdentities(zipTexts(zip))).toEqual([]);
    // The texts did name the user before: the check above could have failed.
    expect(
      contents.chats.some((chat) => chat.messages.some((message) => message.text.includes('{{user}}'))),
    ).toBe(true);
  });

  it('leaves excluded and deleted chats out, and deletes captures with their chat', async () => {
    const review = await launched.context.newPage();
    review.on('dialog', (dialog) => void dialog.accept());
    await review.goto(extensionUrl('review.html'));
    await expect.poll(() => review.locator('[data-chat]').count(), { timeout: 15_000 }).toBe(3);
    await review.click('[data-chat="chat-vexa-aaaa-1111"] summary');
    // The messages are filled in on the details' toggle event, which comes a task after the click.
    await expect
      .poll(async () => (await review.textContent('#chats')) ?? '', UI_TIMEOUT)
      .toContain('{{user}}');
    const reviewText = (await review.textContent('#chats')) ?? '';
    expect(leakedIdentities([reviewText])).toEqual([]);

    await review.check('[data-chat-exclude="chat-vexa-bbbb-2222"]');
    await expect.poll(() => review.textContent('#summary'), UI_TIMEOUT).toMatch(/^2 of 3 chats \(/);
    const captures = () =>
      review.evaluate(async () => {
        const reply = await chrome.runtime.sendMessage({ type: 'status' });
        return Number(reply?.value?.counts?.captures);
      });
    const capturesBefore = await captures();
    // A running dump would fetch the chat again: deleting is refused until the dump is cancelled.
    launched.site.holdApiAfter(0);
    await review.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'dump-start', scope: { kind: 'everything' } }),
    );
    await expect.poll(() => launched.site.heldCount(), UI_TIMEOUT).toBeGreaterThan(0);
    await review.click('[data-chat-delete="chat-lumen-cccc-3333"]');
    await expect.poll(() => review.textContent('#notices'), UI_TIMEOUT).toMatch(/^a dump is running/);
    expect(await review.locator('[data-chat]').count()).toBe(3);
    await review.evaluate(() => chrome.runtime.sendMessage({ type: 'dump-cancel' }));
    launched.site.releaseHeld();
    await review.click('[data-chat-delete="chat-lumen-cccc-3333"]');
    await expect.poll(() => review.locator('[data-chat]').count(), UI_TIMEOUT).toBe(2);
    // Its turn page and the chat list holding its preview turns went with it.
    expect(await captures()).toBeLessThanOrEqual(capturesBefore - 2);

    const zip = await exportZipFrom(review, '#export');
    const contents = await readExportZip(zip);
    expect(contents.chats.map((chat) => chat.messages.length)).toEqual([120]);
    expect(leakedIdentities(zipTexts(zip))).toEqual([]);
  });

  it('uploads only after consent and confirmation; a failed upload keeps the data and says why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-collect-'));
    const server = await startCollectionServer(dataDir);
    try {
      const setEndpoint = async (address: string) => {
        const options = await launched.context.newPage();
        await options.goto(extensionUrl('options.html'));
        await options.fill('#endpoint', address);
        await options.click('#save');
        await expect.poll(() => options.textContent('#status'), UI_TIMEOUT).toBe('Saved.');
        await options.close();
      };
      const uploadFromReview = async () => {
        const review = await launched.context.newPage();
        await review.goto(extensionUrl('review.html'));
        await expect.poll(() => review.locator('#upload-button').count(), { timeout: 15_000 }).toBe(1);
        expect(await review.textContent('#upload-contents')).toMatch(
          /^The zip will hold 1 chat with 120 messages/,
        );
        expect(await review.isDisabled('#upload-button')).toBe(true);
        await review.check('#consent-public');
        expect(await review.isDisabled('#upload-button')).toBe(true);
        await review.check('#upload-confirm');
        await review.click('#upload-button');
        await expect
          .poll(() => review.textContent('#upload-result'), { timeout: 20_000 })
          .not.toBe('Uploading…');
        return { review, result: (await review.textContent('#upload-result')) ?? '' };
      };

      // A port nobody listens on: the connection is refused, as with a server that is down.
      await setEndpoint(`http://127.0.0.1:${await unusedPort()}/`);
      const failed = await uploadFromReview();
      expect(failed.result).toMatch(/Nothing was deleted: your chats are still here\.$/);
      expect(await failed.review.locator('[data-chat]').count()).toBe(2);
      await failed.review.close();

      await setEndpoint(server.url);
      const sent = await uploadFromReview();
      expect(sent.result).toMatch(
        /^Uploaded 1 chat \(1 new, 0 the server already had\), kept as publishable\. Receipt /,
      );
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('"Delete everything" leaves nothing behind: store, dump cursors, dump status and options', async () => {
    const review = await launched.context.newPage();
    review.on('dialog', (dialog) => void dialog.accept());
    await review.goto(extensionUrl('review.html'));
    await expect.poll(() => review.locator('[data-chat]').count(), { timeout: 15_000 }).toBe(2);
    // What the earlier steps left: an upload address, a dump status, the dumper's cursor database.
    const local = () => review.evaluate(() => chrome.storage.local.get(null));
    expect(Object.keys(await local()).sort()).toEqual(['dumpStatus', 'options']);
    const databases = () =>
      review.evaluate(async () => (await indexedDB.databases()).map((database) => database.name ?? ''));
    expect(await databases()).toContain('pygbox-dump');

    await review.click('#delete-everything');
    await expect.poll(() => review.locator('[data-chat]').count(), UI_TIMEOUT).toBe(0);
    expect(await local()).toEqual({});
    expect(await databases()).not.toContain('pygbox-dump');
    // Every object store of the store is empty, settings and identities included.
    const rows = await review.evaluate(
      () =>
        new Promise<Record<string, number>>((resolve, reject) => {
          const opening = indexedDB.open('pygbox');
          opening.onerror = () => reject(opening.error);
          opening.onsuccess = () => {
            const db = opening.result;
            const names = [...db.objectStoreNames];
            const tx = db.transaction(names, 'readonly');
            const counts: Record<string, number> = {};
            for (const name of names) {
              const request = tx.objectStore(name).count();
              request.onsuccess = () => {
                counts[name] = request.result;
              };
            }
            tx.oncomplete = () => {
              db.close();
              resolve(counts);
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    expect(rows).toEqual({
      captures: 0,
      characters: 0,
      chats: 0,
      identities: 0,
      settings: 0,
      localCharacters: 0,
      localChats: 0,
      preferences: 0,
    });
  });
});
