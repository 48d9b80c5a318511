import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../../support/debian-chromium.ts';
import {
  exportZipOf,
  folderState,
  inventedChat,
  startTestServer,
  type TestServer,
} from './serve-fixtures.ts';

/** The server's own upload page in Debian's Chromium: pick the zip, choose, upload, read the answer. */

const UI = { timeout: 20_000 };

describe('the upload page', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer({ verifyThreads: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM_EXECUTABLE,
      // chromium.launch gives each run a fresh profile of its own.
      args: [...CHROMIUM_ARGS],
      headless: true,
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('uploads the chosen zip with the chosen consent and shows the receipt', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${server.url}/`);
    const zip = await exportZipOf([inventedChat(1, 4), inventedChat(2, 3)]);
    await page.setInputFiles('#zip', {
      name: 'pygbox-export-2026-03-01.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(zip),
    });
    await page.check('input[name="consent"][value="public"]');
    await page.click('#send');
    await expect
      .poll(() => page.textContent('#result'), UI)
      .toMatch(/^Thank you! Upload u-[0-9a-f]{16}: 2 chats \(2 new, 0 already here\), kept public\.$/);
    expect(folderState(server.dataDir).chats.map((chat) => chat.consent)).toEqual(['public', 'public']);

    // The default is private; a file that is not a Pygbox zip is refused with the reason.
    await page.setInputFiles('#zip', {
      name: 'notes.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from('not a zip'),
    });
    await page.check('input[name="consent"][value="private"]');
    await page.click('#send');
    await expect
      .poll(() => page.textContent('#result'), UI)
      .toMatch(/^Refused \(HTTP 422\): not a valid Pygbox export/);
    expect(await page.getAttribute('#result', 'class')).toBe('refused');
    expect(errors.filter((text) => !/status of 422/.test(text))).toEqual([]);
    expect(folderState(server.dataDir).uploads).toBe(1);
  }, 60_000);
});
