import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readExportZip } from '../../shared/zip/read-export-zip.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../support/debian-chromium.ts';
import {
  FAKE_CHARACTERS,
  FAKE_IDENTITY_STRINGS,
  FAKE_LEGACY_CHATS,
  FAKE_NEO_CHATS,
  FAKE_SESSION_TOKEN,
} from '../support/fake-cai-site/fake-cai-data.ts';
import { chromiumArgsForFakeSite, selfSignedCertificate } from '../support/fake-cai-site/self-signed-cert.ts';
import { type FakeCaiSite, startFakeCaiSite } from '../support/fake-cai-site/start-fake-cai-site.ts';

const USERSCRIPT = join(import.meta.dirname, '../../dist/pygbox.user.js');
const [VEXA_LONG, VEXA_SHORT, LUMEN] = FAKE_NEO_CHATS as [
  (typeof FAKE_NEO_CHATS)[number],
  (typeof FAKE_NEO_CHATS)[number],
  (typeof FAKE_NEO_CHATS)[number],
];
const CHAT_PAGE = `https://character.ai/chat/${VEXA_LONG.characterId}?hist=${VEXA_LONG.chatId}`;
/**
 * The userscript managers' part, as small as the script needs: it asks for no GM API (`@grant
 * none`), so the shim only names the script the way Tampermonkey would. The built file then runs
 * as an init script, i.e. at document-start in the page world, like `@run-at document-start`.
 */
const GM_SHIM = `window.GM_info = { script: { name: 'Pygbox' }, scriptHandler: 'pygbox-e2e-shim' };`;

const pageResultsSchema = z.array(
  z.object({
    label: z.string(),
    status: z.number().optional(),
    text: z.string().optional(),
    rejected: z.string().optional(),
  }),
);
const storedChatsSchema = z.array(z.object({ chatId: z.string(), ids: z.array(z.string()) }));

let site: FakeCaiSite;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(USERSCRIPT))
    throw new Error('dist/pygbox.user.js is missing: run `npm run build:userscript` first');
  site = await startFakeCaiSite({ tls: selfSignedCertificate() });
  browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    // `launch` gives the browser a fresh, temporary profile of its own.
    args: [...CHROMIUM_ARGS, ...chromiumArgsForFakeSite(site.port)],
  });
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await site?.close();
});

async function newContext(withUserscript: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true });
  contexts.push(context);
  if (withUserscript) {
    await context.addInitScript({ content: GM_SHIM });
    await context.addInitScript({ path: USERSCRIPT });
  }
  return context;
}

/** Loads the chat page and returns what the site's own code received, and the turns it rendered. */
async function loadChatPage(page: Page) {
  await page.goto(CHAT_PAGE);
  await page.waitForFunction(() => Reflect.get(window, '__fakeSite')?.done === true);
  const results = pageResultsSchema.parse(
    await page.evaluate(() => Reflect.get(window, '__fakeSite').results),
  );
  const rendered = await page.locator('#turns li').allTextContents();
  return { results, rendered };
}

/** Reads the chats the userscript stored, straight from the page origin's IndexedDB. */
async function storedChats(page: Page) {
  const rows = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('pygbox');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('chats').objectStore('chats').getAll();
          all.onsuccess = () => {
            db.close();
            resolve(
              all.result.map((chat: { chatId: string; messages: { id: string }[] }) => ({
                chatId: chat.chatId,
                ids: chat.messages.map((message) => message.id),
              })),
            );
          };
        };
      }),
  );
  return storedChatsSchema.parse(rows);
}

const panel = (page: Page, name: string) => page.locator(`[data-pygbox="${name}"]`);

describe('the built userscript', () => {
  it('has a header that runs it at document-start on every character.ai site host, with no grants and no remote code', () => {
    const text = readFileSync(USERSCRIPT, 'utf8');
    const header = text.slice(0, text.indexOf('// ==/UserScript=='));
    const meta = (key: string) =>
      [...header.matchAll(new RegExp(`^// @${key}\\s+(.+)$`, 'gm'))].map((match) => match[1]?.trim());
    const { version } = z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync('package.json', 'utf8')));
    expect(meta('version')).toEqual([version]);
    expect(meta('run-at')).toEqual(['document-start']);
    expect(meta('grant')).toEqual(['none']);
    expect(meta('match')).toEqual(
      expect.arrayContaining([
        'https://character.ai/*',
        'https://beta.character.ai/*',
        'https://plus.character.ai/*',
        'https://old.character.ai/*',
      ]),
    );
    expect(meta('require')).toEqual([]);
    expect(meta('resource')).toEqual([]);
    // Built without PYGBOX_USERSCRIPT_URL: no update URL points anywhere.
    expect(meta('downloadURL')).toEqual([]);
    expect(text).not.toMatch(/\bimport\(|importScripts\(|\beval\(/);
  });
});

describe('the userscript in Chromium against the fake character.ai', () => {
  let page: Page;

  it('leaves what the page receives unchanged and captures each turn once', async () => {
    const plain = await (await newContext(false)).newPage();
    const without = await loadChatPage(plain);

    page = await (await newContext(true)).newPage();
    const withScript = await loadChatPage(page);
    expect(withScript.results).toEqual(without.results);
    expect(withScript.rendered).toEqual(without.rendered);
    // A site's own "is fetch native?" checks answer as without Pygbox.
    const faces = (target: Page) =>
      target.evaluate(() => [String(window.fetch), window.fetch.name, String(XMLHttpRequest.prototype.send)]);
    expect(await faces(page)).toEqual(await faces(plain));
    expect((await faces(page))[0]).toContain('[native code]');
    // The panel (it will show the user's identities) asks session-replay tools to leave it out.
    expect(await page.locator('#pygbox-panel-host').getAttribute('class')).toContain('rr-block');
    expect(await page.locator('#pygbox-panel-host').getAttribute('data-sentry-block')).toBe('');
    // Every kind of call the page made was answered as without Pygbox, the aborted one included.
    expect(without.results.map((result) => result.label)).toEqual([
      'chat',
      'character',
      'turns-1',
      'turns-2',
      'user',
      'aborted',
      'config',
    ]);
    expect(without.results.find((result) => result.label === 'aborted')?.rejected).toBe('AbortError');

    // The page loaded two pages (turns 20–119) by fetch and by XHR; the hook kept both.
    await expect
      .poll(() => panel(page, 'counts').textContent(), { timeout: 15_000 })
      .toBe('Stored: 1 character, 1 chat, 100 messages.');
    const [chat] = await storedChats(page);
    expect(chat?.ids).toHaveLength(100);
    expect(new Set(chat?.ids).size).toBe(100);

    // Now break Pygbox from the inside: no storage, and response clones that throw. The page
    // must not notice; the failures are logged and shown in the panel.
    const broken = await newContext(false);
    await broken.addInitScript({
      content: `Object.defineProperty(window, 'indexedDB', { get() { throw new Error('storage blocked'); } });
        Response.prototype.clone = function () { throw new Error('clone broken'); };`,
    });
    await broken.addInitScript({ content: GM_SHIM });
    await broken.addInitScript({ path: USERSCRIPT });
    const brokenPage = await broken.newPage();
    const warnings: string[] = [];
    brokenPage.on('console', (message) => {
      if (message.text().startsWith('[pygbox]')) warnings.push(message.text());
    });
    const withFailures = await loadChatPage(brokenPage);
    expect(withFailures.results).toEqual(without.results);
    expect(withFailures.rendered).toEqual(without.rendered);
    await expect
      .poll(() => panel(brokenPage, 'error').textContent(), { timeout: 10_000 })
      .toContain('IndexedDB');
    expect(warnings.some((warning) => warning.includes('could not read one response'))).toBe(true);
  });

  it('dumps every chat with the character through a 429, an HTML page and a neo_error, and resumes after a reload', async () => {
    site.addFault({ match: /\/chats\/\?character_ids=/, kind: 'html' });
    site.addFault({
      match: new RegExp(`/turns/${VEXA_LONG.chatId}/\\?next_token=pg%2B50`),
      kind: 'rate-limit',
    });
    site.addFault({ match: new RegExp(`/turns/${VEXA_SHORT.chatId}/$`), kind: 'neo-error' });
    // info, chat list (HTML, retried), chat list page 2, first turns page, then the 429: the retry hangs.
    site.holdApiAfter(6);
    await panel(page, 'dump-character').click();
    await expect.poll(() => site.heldCount(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => panel(page, 'progress').textContent()).toContain('Waiting');

    // The user closes or reloads the tab mid-dump.
    await page.reload();
    site.releaseHeld();
    await page.waitForFunction(() => Reflect.get(window, '__fakeSite')?.done === true);
    const resumedFrom = site.requests.length;

    await panel(page, 'dump-character').click();
    await expect
      .poll(() => panel(page, 'progress').textContent(), { timeout: 40_000 })
      .toMatch(/^Finished: 2 of 2 chats done/);
    const dumperTurns = site.requests.slice(resumedFrom).filter((entry) => entry.target.includes('/turns/'));
    // The resumed dump asked for no page it already had: it went on from the saved cursor.
    expect(dumperTurns[0]?.target).toBe(
      `/turns/${VEXA_LONG.chatId}/?next_token=${encodeURIComponent(`pg+50/${VEXA_LONG.chatId}==`)}`,
    );
    expect(dumperTurns.some((entry) => entry.target === `/turns/${VEXA_LONG.chatId}/`)).toBe(false);
    expect(site.requests.some((entry) => entry.outcome === 'fault:neo-error')).toBe(true);
    expect(site.requests.some((entry) => entry.outcome === 'fault:html')).toBe(true);

    const chats = await storedChats(page);
    for (const expected of [VEXA_LONG, VEXA_SHORT]) {
      const ids = chats.find((chat) => chat.chatId === expected.chatId)?.ids ?? [];
      expect(ids).toHaveLength(expected.turnCount);
      expect(new Set(ids).size).toBe(expected.turnCount);
    }
  });

  it('dumps everything, then exports a zip that holds no identity', async () => {
    await panel(page, 'dump-everything').click();
    await expect
      .poll(() => panel(page, 'progress').textContent(), { timeout: 30_000 })
      .toMatch(/^Finished: 3 of 3 chats done/);
    await expect
      .poll(() => panel(page, 'counts').textContent(), { timeout: 10_000 })
      .toBe('Stored: 2 characters, 3 chats, 210 messages.');

    // Nothing can be exported before the user has seen what the zip will hold.
    expect(await panel(page, 'export-zip').isDisabled()).toBe(true);
    await panel(page, 'preview-export').click();
    await expect.poll(() => panel(page, 'export-identities').textContent()).toContain('orla_brightwater');
    expect(await panel(page, 'export-sample').textContent()).toContain('{{user}}');
    await panel(page, 'add-redaction-input').fill('lantern');
    await panel(page, 'add-redaction').click();
    await expect.poll(() => panel(page, 'export-extras').textContent()).toContain('lantern');

    const download = page.waitForEvent('download', { timeout: 20_000 });
    await panel(page, 'export-zip').click();
    const saved = await download;
    expect(saved.suggestedFilename()).toMatch(/^pygbox-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const bytes = new Uint8Array(readFileSync(await saved.path()));

    const contents = await readExportZip(bytes);
    expect(contents.chats).toHaveLength(3);
    expect(contents.chats.map((chat) => chat.messages.length).sort((a, b) => a - b)).toEqual([
      LUMEN.turnCount,
      VEXA_SHORT.turnCount,
      VEXA_LONG.turnCount,
    ]);
    const texts = Object.values(unzipSync(bytes)).map((entry) => new TextDecoder().decode(entry));
    expect(texts.some((text) => text.includes('I ask about the weather over the reach'))).toBe(true);
    const forbidden = [
      ...FAKE_IDENTITY_STRINGS,
      FAKE_SESSION_TOKEN,
      'lantern',
      ...FAKE_NEO_CHATS.map((chat) => chat.chatId),
      ...FAKE_CHARACTERS.map((character) => character.creator),
    ];
    const leaks = forbidden.filter((needle) =>
      [...texts, new TextDecoder().decode(bytes)].some((text) =>
        text.toLowerCase().includes(needle.toLowerCase()),
      ),
    );
    expect(leaks).toEqual([]);
  });

  it('captures the legacy site and dumps a legacy chat through its message pages', async () => {
    const [legacy] = FAKE_LEGACY_CHATS as [(typeof FAKE_LEGACY_CHATS)[number]];
    const legacyPage = await (await newContext(true)).newPage();
    await legacyPage.goto(`https://old.character.ai/chat?char=${legacy.characterId}&hist=${legacy.chatId}`);
    await legacyPage.waitForFunction(() => Reflect.get(window, '__fakeSite')?.done === true);
    // The page showed the newest page of 5 messages; the hook kept it.
    await expect
      .poll(() => panel(legacyPage, 'counts').textContent(), { timeout: 15_000 })
      .toBe('Stored: 1 character, 1 chat, 5 messages.');
    await panel(legacyPage, 'dump-chat').click();
    await expect
      .poll(() => panel(legacyPage, 'progress').textContent(), { timeout: 20_000 })
      .toMatch(/^Finished: 1 of 1 chat done/);
    const [chat] = await storedChats(legacyPage);
    expect(chat?.chatId).toBe(legacy.chatId);
    expect(new Set(chat?.ids).size).toBe(legacy.messageCount);
    expect(await panel(legacyPage, 'dump-everything').isDisabled()).toBe(true);
  });
});
