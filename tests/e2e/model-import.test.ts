import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedMarkerSchema } from '../../extension/models/installed-model-marker.ts';
import { writeModelZip } from '../../trainer-node/export/write-model-zip.ts';
import { fakeModelExport, manifestId, writeFakeExportFolder } from '../extension/models/fake-model-export.ts';
import { type LaunchedExtension, launchExtension } from '../extension/support/launch-extension.ts';
import { storedModelFiles, storedModelText } from './support/models-opfs.ts';

/**
 * The models page with the built extension in Debian's Chromium: a zip that `writeModelZip` makes
 * from a small but valid export folder is checked and stored in the real OPFS, a truncated and a
 * foreign zip are refused with nothing stored, the folder import finds the same model, and delete
 * empties the storage. (The chat e2e imports a real exported ONNX model.)
 */

const UI = { timeout: 20_000 };

let launched: LaunchedExtension;
let page: Page;
const scratch = mkdtempSync(join(tmpdir(), 'pygbox-model-import-'));
const model = fakeModelExport({ name: 'e2e fake model' });
const id = manifestId(model);
const folder = join(scratch, 'fake-model');
const zipPath = join(scratch, 'fake-model.zip');

/** The files the import must have stored: the export's, plus the completion marker naming it. */
async function expectStoredExport(): Promise<void> {
  const { [`${id}/pygbox-installed.json`]: marker, ...files } = await storedModelFiles(page);
  expect(marker).toBeDefined();
  const written = installedMarkerSchema.parse(
    JSON.parse((await storedModelText(page, `${id}/pygbox-installed.json`)) ?? ''),
  );
  expect(written).toMatchObject({
    id,
    totalBytes: [...model.files.values()].reduce((sum, bytes) => sum + bytes.length, 0),
  });
  expect(files).toEqual(
    Object.fromEntries([...model.files].map(([path, bytes]) => [`${id}/${path}`, bytesToHex(sha256(bytes))])),
  );
}

beforeAll(async () => {
  await writeModelZip(zipPath, writeFakeExportFolder(model, folder));
  launched = await launchExtension();
  page = await launched.context.newPage();
  await page.goto(`chrome-extension://${launched.extensionId}/models.html`);
  await page.locator('#models .empty').waitFor(UI);
});

afterAll(async () => {
  await launched?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('models page', () => {
  it('imports a model zip into OPFS and lists it with its figures', async () => {
    await page.setInputFiles('#model-file', zipPath);
    const item = page.locator(`#models .model[data-model-id="${id}"]`);
    await item.waitFor(UI);
    await expect
      .poll(() => page.locator('#import-status').textContent(), UI)
      .toContain('Imported e2e fake model');
    const text = await item.textContent();
    for (const shown of [
      'e2e fake model',
      'facebook/opt-125m',
      'fp32, q4',
      '120',
      'version 1',
      '+4.17%',
      '93.0%',
      '≤ 15%',
      '2.0e-5 / 3.0e-5',
      ' UTC',
    ]) {
      expect(text).toContain(shown);
    }
    expect(await item.locator('a.chat-with-model').getAttribute('href')).toBe(`./chat.html?model=${id}`);
    expect(await page.locator('#storage-line').textContent()).toMatch(
      /Storage used by the extension: .+ of .+ available/,
    );
    await expectStoredExport();
  });

  it('refuses a truncated and a foreign zip with a message, storing nothing', async () => {
    const before = await storedModelFiles(page);
    const bytes = readFileSync(zipPath);
    const truncated = join(scratch, 'truncated.zip');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 300));
    const foreign = join(scratch, 'foreign.zip');
    writeFileSync(foreign, zipSync({ 'chats.jsonl': new TextEncoder().encode('{}\n') }));
    // The place is printed once and readable (it once read `(model zip): "(model zip)": …`).
    for (const [file, message] of [
      [truncated, /^model zip: is not a zip archive, or it is truncated \(no end of central directory\)\n/],
      [foreign, /^model zip: has no pygbox-model\.json/],
    ] as const) {
      await page.setInputFiles('#model-file', file);
      const error = page.locator('#import-status .notice.error');
      await error.waitFor(UI);
      expect(await error.textContent()).toMatch(message);
      expect(await storedModelFiles(page)).toEqual(before);
      await page.locator('#import-status').evaluate((status) => status.replaceChildren());
    }
    expect(await page.locator('#models .model').count()).toBe(1);
  });

  it('deletes on confirmation, then imports the exported folder the same way', async () => {
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.locator('.delete-model').click();
    expect(await page.locator('#models .model').count()).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('.delete-model').click();
    await page.locator('#models .empty').waitFor(UI);
    expect(await storedModelFiles(page)).toEqual({});

    // Imported into an empty library, so the folder's own files are what gets stored.
    await page.setInputFiles('#model-folder', folder);
    await expect
      .poll(() => page.locator('#import-status').textContent(), UI)
      .toContain('Imported e2e fake model');
    expect(await page.locator('#models .model').count()).toBe(1);
    await expectStoredExport();
  });

  it('serializes imports from two tabs (Web Locks): both finish, one copy, no leftovers', async () => {
    const other = fakeModelExport({ name: 'second model', seed: 3, onnxBytes: 4_000_000 });
    const otherZip = join(scratch, 'second-model.zip');
    await writeModelZip(otherZip, writeFakeExportFolder(other, join(scratch, 'second-model')));
    const second = await launched.context.newPage();
    await second.goto(`chrome-extension://${launched.extensionId}/models.html`);
    await second.locator(`#models .model[data-model-id="${id}"]`).waitFor(UI);
    // Without the cross-tab lock, one tab's clean-up would remove the other's `.importing-` folder.
    await Promise.all([
      page.setInputFiles('#model-file', otherZip),
      second.setInputFiles('#model-file', otherZip),
    ]);
    for (const tab of [page, second]) {
      await expect
        .poll(() => tab.locator('#import-status').textContent(), UI)
        .toContain('Imported second model');
    }
    const stored = Object.keys(await storedModelFiles(page));
    expect(stored.filter((path) => !path.startsWith(`${id}/`)).sort()).toEqual(
      [...other.files.keys(), 'pygbox-installed.json'].map((path) => `${manifestId(other)}/${path}`).sort(),
    );
    await second.close();
  });
});
