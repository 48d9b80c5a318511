import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASM_DTYPE_ORDER } from '../../extension/inference/runtime-choice.ts';
import { readExportZip } from '../../shared/zip/read-export-zip.ts';
import { type LaunchedExtension, launchExtension } from '../extension/support/launch-extension.ts';
import { FAKE_IDENTITY_STRINGS } from '../support/fake-cai-site/fake-cai-data.ts';
import { ExpectedPrompts } from './support/browser-chat-expected-prompt.ts';
import type { ExportedChatModel } from './support/browser-chat-model.ts';
import {
  type ChatCharacter,
  ChatPage,
  extensionUrl,
  importModelZip,
  promptCharacter,
  SLOW,
  storedModelFolders,
  UI,
} from './support/browser-chat-page.ts';
import { sharedTinyExport } from './support/shared-tiny-export.ts';

/**
 * Issue 7 end to end: a tiny model exported by the real `pygbox export` in this run, imported on
 * the extension's models page in Debian's Chromium, and chatted with on the chat page - once on
 * WebGPU (SwiftShader) and once on WASM. The page's "Prompt sent" is compared with the shared
 * prompt module's rendering computed here in Node from the model folder's tokenizer.
 */

const CHARACTER: ChatCharacter = {
  name: 'Mira',
  persona: 'A patient lighthouse keeper who loves storms and old maps.',
  scenario: 'A traveller knocks on the lighthouse door at night.',
  greeting: 'Who goes there? Come in out of the rain.',
  exampleDialogue: '{{user}}: Do you keep a logbook?\n{{char}}: Every night, in ink.',
};
/** The user's display name: shown in the chat, never in the prompt's speaker labels or the export. */
const DISPLAY_NAME = 'Robin Quillfeather';
/** The fake site's chat the WASM run captures, so the popup has a chat to export next to the ratings. */
const CAI_CHAT_PAGE = 'https://character.ai/chat/char-vexa-0001?hist=chat-vexa-aaaa-1111';

/**
 * What each device's chat does. SwiftShader decodes one token in one to six seconds here (more when
 * the machine is busy) and WASM hundreds a second, so WebGPU writes few tokens and skips the edit:
 * its regenerated swipe is one token, which leaves the cache covering exactly that prompt, so the
 * plain turn after it must reuse all of it. On WASM the one-token turn is the one after the edit.
 */
interface ChatPlan {
  firstReply: number;
  regenerate: number;
  /** Edit an earlier message, then a one-token reply that must reuse nothing. */
  edit: boolean;
  lastReply: number;
}
const WEBGPU_PLAN: ChatPlan = { firstReply: 3, regenerate: 1, edit: false, lastReply: 1 };
const WASM_PLAN: ChatPlan = { firstReply: 8, regenerate: 8, edit: true, lastReply: 6 };
/** Long enough that only the stop button ends the reply (random weights rarely draw EOS). */
const STOPPED_REPLY_LIMIT = 100;

let root: string;
let model: ExportedChatModel;
let expected: ExpectedPrompts;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pygbox-browser-chat-'));
  model = await sharedTinyExport();
  expected = await ExpectedPrompts.forModel(model.folder, model.contextLength);
}, 240_000);

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

/** The page's last prompt equals the shared module's rendering of what the page shows. */
async function expectPromptSent(chat: ChatPage, replyIndex: number, maxNewTokens: number) {
  const prompt = expected.reply(promptCharacter(CHARACTER), await chat.history(replyIndex), maxNewTokens);
  const sent = await chat.lastPrompt();
  expect(sent.text).toBe(prompt.text);
  expect(sent.ids).toEqual(prompt.ids);
  return prompt;
}

async function openModelsPage(launched: LaunchedExtension): Promise<Page> {
  const page = await launched.context.newPage();
  await page.goto(extensionUrl(launched.extensionId, 'models.html'));
  return page;
}

/** Imports the exported zip and opens the chat page the way the models page links to it. */
async function importAndOpenChat(launched: LaunchedExtension): Promise<ChatPage> {
  const models = await openModelsPage(launched);
  await importModelZip(models, model.zip, model.id);
  const href = await models
    .locator(`.model[data-model-id="${model.id}"] a.chat-with-model`)
    .getAttribute('href');
  expect(href).toBe(`./chat.html?model=${model.id}`);
  await models.close();
  return ChatPage.open(launched.context, launched.extensionId, `?model=${model.id}`);
}

/**
 * The chat every device goes through: stream a reply, stop one, regenerate it as a second swipe
 * and browse back, on WASM edit an earlier message (the KV cache is dropped), and chat on (the
 * cache is reused). Returns the texts of the regenerated reply's two swipes.
 */
async function chatScenario(chat: ChatPage, device: 'webgpu' | 'wasm', plan: ChatPlan) {
  const runtime = await chat.loadModel(device);
  expect(runtime.device).toBe(device);
  // The dtype the rule picks: on WebGPU q4f16 with shader-f16 (SwiftShader has none), else
  // q4; on WASM the first of the order the bench measured (bench/RESULTS.md) that the model has.
  const shaderF16 = await chat.page.evaluate(async () => {
    const adapter = await Reflect.get(navigator, 'gpu')?.requestAdapter();
    return adapter?.features.has('shader-f16') === true;
  });
  const wasmDtype = WASM_DTYPE_ORDER.find((dtype) => model.manifest.dtypes.includes(dtype));
  expect(runtime.dtype).toBe(device === 'wasm' ? wasmDtype : shaderF16 ? 'q4f16' : 'q4');
  expect(await chat.dtypeOptions()).toEqual(['auto', ...model.manifest.dtypes]);

  await chat.createCharacter(CHARACTER);
  await chat.setDisplayName(DISPLAY_NAME);
  // A fixed seed: every reply draws the same tokens run after run (regenerate still draws anew).
  await chat.setSamplerField('#seed', '7');
  await chat.setSamplerField('#max-new-tokens', String(plan.firstReply));
  await chat.newChat();
  expect(await chat.messages()).toEqual([{ role: 'char', index: 0, text: CHARACTER.greeting }]);

  // 1. A reply streams: its text is seen at several lengths while the page says `generating`.
  const first = await chat.send(`Hello, I am ${DISPLAY_NAME}. Is anyone up there?`);
  const streamed = new Set(first.lengths.filter((seen) => seen.index === 2).map((seen) => seen.length));
  expect(streamed.size).toBeGreaterThanOrEqual(2);
  const firstStats = await chat.replyStats();
  expect(firstStats.tokens).toBeGreaterThan(0);
  expect(firstStats.tokens).toBeLessThanOrEqual(plan.firstReply);
  expect(firstStats.reusedTokens).toBe(0);
  const firstPrompt = await expectPromptSent(chat, 2, plan.firstReply);
  expect(firstStats.promptTokens).toBe(firstPrompt.ids.length);
  // The speaker labels of the prompt are `You`, whatever the display name.
  expect(firstPrompt.text).toContain('\nYou: Hello, I am');
  expect((await chat.messages()).map((message) => message.role)).toEqual(['char', 'user', 'char']);
  expect(await chat.page.locator('#messages .message[data-index="1"] .speaker').textContent()).toContain(
    DISPLAY_NAME,
  );

  // 2. Stop: the reply stops mid-way and what was written stays.
  await chat.setSamplerField('#max-new-tokens', String(STOPPED_REPLY_LIMIT));
  const stopped = await chat.send('What is that map on the wall?', { stopAt: 4 });
  expect(stopped.stopClicked).toBe(true);
  const stoppedStats = await chat.replyStats();
  expect(stoppedStats.stopReason).toBe('aborted');
  expect(stoppedStats.tokens).toBeLessThan(STOPPED_REPLY_LIMIT);
  const stoppedPrompt = await expectPromptSent(chat, 4, STOPPED_REPLY_LIMIT);
  const stoppedText = (await chat.messages())[4]?.text ?? '';
  expect(stoppedText).not.toBe('');
  expect(await chat.page.isDisabled('#stop')).toBe(true);

  // 3. Regenerate: a second swipe for the same prompt; the first is one click back.
  await chat.setSamplerField('#max-new-tokens', String(plan.regenerate));
  await chat.regenerate();
  expect(await chat.swipeCount(4)).toBe('2/2');
  let lastPrompt = await expectPromptSent(chat, 4, plan.regenerate);
  // Same history; the stop turn's larger reserve trimmed nothing, so both swipes answered one prompt.
  expect(lastPrompt.text).toBe(stoppedPrompt.text);
  expect(stoppedPrompt.droppedTurns).toBe(0);
  const secondSwipe = (await chat.messages())[4]?.text ?? '';
  const reply = chat.page.locator('#messages .message[data-index="4"]');
  await reply.locator('.swipe-prev').click();
  await expect.poll(() => chat.swipeCount(4), UI).toBe('1/2');
  expect((await chat.messages())[4]?.text).toBe(stoppedText);
  await reply.locator('.swipe-next').click();
  await expect.poll(() => chat.swipeCount(4), UI).toBe('2/2');
  expect((await chat.messages())[4]?.text).toBe(secondSwipe);

  // 4. Edit an earlier message: the cached keys describe the old text, so nothing is reused.
  if (plan.edit) {
    await chat.edit(1, `Hello, I am ${DISPLAY_NAME}. Is the lamp lit?`);
    await chat.setSamplerField('#max-new-tokens', '1');
    await chat.send('Can I wait out the storm here?');
    expect((await chat.replyStats()).reusedTokens).toBe(0);
    lastPrompt = await expectPromptSent(chat, 6, 1);
    expect(lastPrompt.text).toContain('Is the lamp lit?');
  }

  // 5. A plain next turn reuses the cache. The last generation wrote one token, which is never fed
  // back, so the cache covers exactly the last prompt, a prefix of this one whatever the reply says.
  const replyIndex = plan.edit ? 8 : 6;
  await chat.setSamplerField('#max-new-tokens', String(plan.lastReply));
  await chat.send('Thank you.');
  const plain = await chat.replyStats();
  expect(plain.reusedTokens).toBeGreaterThan(0);
  expect(plain.reusedTokens).toBe(lastPrompt.ids.length);
  await expectPromptSent(chat, replyIndex, plan.lastReply);
  return { secondSwipe, stoppedText };
}

describe('browser chat on WebGPU (SwiftShader)', () => {
  let launched: LaunchedExtension;

  beforeAll(async () => {
    launched = await launchExtension({ webgpu: true });
  });

  afterAll(async () => {
    await launched?.close();
  });

  // SwiftShader is slow, and slower still while other tests share the two cores: a long limit,
  // never a timed assertion.
  it('imports the exported model and chats on WebGPU: stream, stop, regenerate, reuse, prompt as rendered', {
    timeout: 420_000,
  }, async () => {
    const chat = await importAndOpenChat(launched);
    await chatScenario(chat, 'webgpu', WEBGPU_PLAN);
  });
});

describe('browser chat on WASM', () => {
  let launched: LaunchedExtension;

  beforeAll(async () => {
    launched = await launchExtension();
  });

  afterAll(async () => {
    await launched?.close();
  });

  it('refuses a truncated model zip with a message and stores nothing', async () => {
    const truncated = join(root, 'truncated.zip');
    const bytes = readFileSync(model.zip);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const models = await openModelsPage(launched);
    await models.setInputFiles('#model-file', truncated);
    await models.locator('#import-status .notice.error').waitFor(SLOW);
    // It says what is wrong with the file (the models page's own tests cover each kind of damage).
    expect(await models.textContent('#import-status .notice.error')).toMatch(/truncated/);
    expect(await models.locator('#models .model').count()).toBe(0);
    expect(await storedModelFolders(models)).toEqual([]);
    await models.close();
  });

  it('chats on WASM, keeps the chat across a browser restart, and exports the ratings anonymized', {
    timeout: 300_000,
  }, async () => {
    // A captured character.ai chat, so the popup has something to export besides the ratings.
    const tab = await launched.context.newPage();
    await tab.goto(CAI_CHAT_PAGE);
    await tab.waitForFunction(() => Reflect.get(window, '__fakeSite')?.done === true, undefined, UI);
    const counts = await launched.context.newPage();
    await counts.goto(extensionUrl(launched.extensionId, 'popup.html'));
    await expect.poll(() => counts.textContent('#counts'), UI).toMatch(/ 1 chat /);
    await counts.close();
    await tab.close();

    const chat = await importAndOpenChat(launched);
    const models = await openModelsPage(launched);
    expect(await storedModelFolders(models)).toEqual([model.id]);
    await models.close();
    const { secondSwipe, stoppedText } = await chatScenario(chat, 'wasm', WASM_PLAN);

    // Ratings: the first reply down, the last one up. The regenerated reply is kept (the chat went
    // on from its second swipe), which is a preference without any click.
    for (const [index, button] of [
      [2, '.rate-down'],
      [8, '.rate-up'],
    ] as const) {
      const rating = chat.page.locator(`#messages .message[data-index="${index}"] ${button}`);
      await rating.click();
      await expect.poll(() => rating.getAttribute('aria-pressed'), UI).toBe('true');
    }
    const before = await chat.messages();
    await chat.page.close();

    // Quit Chromium and start it again on the same profile: the chat page reopens the chat.
    launched = await launched.restart();
    const reopened = await ChatPage.open(launched.context, launched.extensionId);
    await expect.poll(async () => (await reopened.messages()).length, SLOW).toBe(before.length);
    expect(await reopened.messages()).toEqual(before);
    expect(await reopened.swipeCount(4)).toBe('2/2');
    const pressed = (selector: string) => reopened.page.locator(selector).getAttribute('aria-pressed');
    expect(await pressed('#messages .message[data-index="2"] .rate-down')).toBe('true');
    expect(await pressed('#messages .message[data-index="8"] .rate-up')).toBe('true');

    // The popup's export carries the three preferences, anonymized.
    const popup = await launched.context.newPage();
    await popup.goto(extensionUrl(launched.extensionId, 'popup.html'));
    await expect.poll(() => popup.isDisabled('#export'), UI).toBe(false);
    const download = popup.waitForEvent('download', UI);
    await popup.click('#export');
    const zip = new Uint8Array(readFileSync(await (await download).path()));
    const { preferences } = await readExportZip(zip);
    const textAt = (index: number) => before[index]?.text ?? '';
    const replies = (record: (typeof preferences)[number]) => ({
      chosen: record.chosen,
      rejected: record.rejected,
    });
    expect(preferences.map(replies)).toEqual(
      expect.arrayContaining([
        {
          chosen: null,
          rejected: [{ text: textAt(2), model: model.id, via: 'rated-down' }],
        },
        {
          chosen: { text: secondSwipe, model: model.id, via: 'kept' },
          rejected: [{ text: stoppedText, model: model.id, via: 'swiped-away' }],
        },
        {
          chosen: { text: textAt(8), model: model.id, via: 'rated-up' },
          rejected: [],
        },
      ]),
    );
    expect(preferences).toHaveLength(3);
    // The prompts named the user (before the edit): anonymized, not dropped.
    const keptRecord = preferences.find((record) => record.chosen?.via === 'kept');
    expect(keptRecord?.prompt).toContain('\nYou: Hello, I am {{user}}. Is anyone up there?\n');
    expect(keptRecord?.prompt).toContain("{{char}}'s Persona:");
    expect(keptRecord?.models).toEqual([{ id: model.id, name: model.manifest.name }]);
    const texts = Object.values(unzipSync(zip)).map((entry) => new TextDecoder().decode(entry).toLowerCase());
    for (const identity of [DISPLAY_NAME, ...FAKE_IDENTITY_STRINGS]) {
      expect(texts.some((text) => text.includes(identity.toLowerCase()))).toBe(false);
    }
  });
});
