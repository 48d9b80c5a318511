import type { BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import type { PromptCharacter, PromptTurn } from '../../../shared/prompt/prompt-format.ts';

/**
 * The extension's chat and models pages driven through the ids and classes of the issue-7
 * contract (/tmp/coord/contract.md, "Chat page"), nothing else: the test reads what a user sees.
 * Waits are generous because SwiftShader's WebGPU takes one to six seconds a token here, and
 * loading on it took minutes while another SwiftShader test shared the two cores; none of them is
 * a timed assertion, a wait returns as soon as its condition holds.
 */
export const SLOW = { timeout: 240_000 };
export const UI = { timeout: 20_000 };

export interface ChatCharacter {
  name: string;
  persona: string;
  scenario: string;
  greeting: string;
  exampleDialogue: string;
}

export function promptCharacter(character: ChatCharacter): PromptCharacter {
  return {
    name: character.name,
    persona: character.persona,
    scenario: character.scenario,
    exampleDialogue: character.exampleDialogue,
  };
}

const messageSchema = z.object({
  role: z.enum(['user', 'char']),
  index: z.coerce.number().int().min(0),
  text: z.string(),
});
export type ShownMessage = z.infer<typeof messageSchema>;

const replyStatsSchema = z.object({
  promptTokens: z.coerce.number().int().min(1),
  reusedTokens: z.coerce.number().int().min(0),
  firstTokenMs: z.coerce.number().min(0),
  tokens: z.coerce.number().int().min(0),
  tokensPerSecond: z.coerce.number().min(0),
  stopReason: z.string().min(1),
});
export type ReplyStats = z.infer<typeof replyStatsSchema>;

const watchSchema = z.object({
  states: z.array(z.string()),
  lengths: z.array(z.object({ index: z.number(), length: z.number() })),
  stopClicked: z.boolean(),
});
export type GenerationWatch = z.infer<typeof watchSchema>;

const WATCH_KEY = '__pygboxE2eWatch';

export function extensionUrl(extensionId: string, path: string): string {
  return `chrome-extension://${extensionId}/${path}`;
}

/** Imports the zip on the models page; resolves once the model is listed under `id`. */
export async function importModelZip(page: Page, zipPath: string, id: string): Promise<void> {
  await page.setInputFiles('#model-file', zipPath);
  await page.locator(`#models .model[data-model-id="${id}"]`).waitFor(SLOW);
}

/** Names under OPFS `pygbox-models/` (the installed models and any unfinished import). */
export function storedModelFolders(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let folder: FileSystemDirectoryHandle;
    try {
      folder = await root.getDirectoryHandle('pygbox-models');
    } catch {
      return [];
    }
    const names: string[] = [];
    const keys = Reflect.get(folder, 'keys') as () => AsyncIterable<string>;
    for await (const name of keys.call(folder)) names.push(name);
    return names.sort();
  });
}

export class ChatPage {
  constructor(readonly page: Page) {}

  static async open(context: BrowserContext, extensionId: string, query = ''): Promise<ChatPage> {
    const page = await context.newPage();
    await page.goto(extensionUrl(extensionId, `chat.html${query}`));
    return new ChatPage(page);
  }

  async loadModel(device: 'wasm' | 'webgpu'): Promise<{ device: string; dtype: string; line: string }> {
    const { page } = this;
    await page.selectOption('#device-select', device);
    await page.selectOption('#dtype-select', 'auto');
    await page.click('#load-model');
    await page.locator('#runtime-line[data-state="ready"], #runtime-line[data-state="failed"]').waitFor(SLOW);
    const runtime = z
      .object({ state: z.string(), device: z.string(), dtype: z.string(), line: z.string() })
      .parse(
        await page.evaluate(() => {
          const line = document.querySelector('#runtime-line');
          return {
            state: line?.getAttribute('data-state') ?? '',
            device: line?.getAttribute('data-device') ?? '',
            dtype: line?.getAttribute('data-dtype') ?? '',
            line: line?.textContent ?? '',
          };
        }),
      );
    if (runtime.state !== 'ready')
      throw new Error(`the model did not load: ${runtime.line} ${await this.notices()}`);
    return runtime;
  }

  async dtypeOptions(): Promise<string[]> {
    return this.page
      .locator('#dtype-select option')
      .evaluateAll((options) =>
        options.map((option) => (option instanceof HTMLOptionElement ? option.value : '')),
      );
  }

  async createCharacter(character: ChatCharacter): Promise<void> {
    const { page } = this;
    await page.click('#new-character');
    await page.fill('#character-name', character.name);
    await page.fill('#character-persona', character.persona);
    await page.fill('#character-scenario', character.scenario);
    await page.fill('#character-greeting', character.greeting);
    await page.fill('#character-examples', character.exampleDialogue);
    await page.click('#save-character');
    await page.locator('#character-select').evaluate(
      (select, name) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (
              select instanceof HTMLSelectElement &&
              select.selectedOptions[0]?.textContent?.includes(name)
            ) {
              observer.disconnect();
              resolve();
            }
          };
          const observer = new MutationObserver(check);
          observer.observe(select, { subtree: true, childList: true, attributes: true, characterData: true });
          select.addEventListener('change', check);
          check();
        }),
      character.name,
    );
  }

  /** Types the display name and leaves the field, as a user does (the page saves on `change`). */
  async setDisplayName(name: string): Promise<void> {
    await this.page.fill('#display-name', name);
    await this.page.press('#display-name', 'Tab');
  }

  /**
   * Types a sampler setting and leaves the field, as a user does: the page applies it on `change`
   * and stores it behind, so the next reply uses it at once. Several fields typed in quick
   * succession must all stick (the turns' token counts check it).
   */
  async setSamplerField(selector: string, value: string): Promise<void> {
    await this.page.fill(selector, value);
    await this.page.press(selector, 'Tab');
  }

  async newChat(): Promise<void> {
    await this.page.click('#new-chat');
    await this.page.locator('#messages .message[data-role="char"][data-index="0"]').waitFor(UI);
  }

  async messages(): Promise<ShownMessage[]> {
    const raw = await this.page.locator('#messages .message').evaluateAll((elements) =>
      elements.map((element) => ({
        role: element.getAttribute('data-role'),
        index: element.getAttribute('data-index'),
        text: element.querySelector('.message-text')?.textContent ?? '',
      })),
    );
    return z.array(messageSchema).parse(raw);
  }

  /** The chat as the prompt sees it: every shown message up to (not including) `before`. */
  async history(before?: number): Promise<PromptTurn[]> {
    const shown = await this.messages();
    return shown
      .filter((message) => before === undefined || message.index < before)
      .map((message) => ({ role: message.role, text: message.text }));
  }

  /**
   * Starts recording what the page shows while it generates: each generation status it passes
   * through and each length of the last message's text while `generating`. With `stopAt` the
   * recorder presses `#stop` as soon as the message with that index shows a word: it runs in the
   * page, between two tokens, so the stop lands mid-reply however fast the device decodes.
   */
  async watch(options: { stopAt?: number } = {}): Promise<void> {
    await this.page.evaluate(
      ({ key, stopAt }) => {
        const previous = Reflect.get(window, key) as { observer?: MutationObserver } | undefined;
        previous?.observer?.disconnect();
        const record = {
          states: [] as string[],
          lengths: [] as Array<{ index: number; length: number }>,
          stopClicked: false,
          observer: undefined as MutationObserver | undefined,
        };
        const look = () => {
          const state = document.querySelector('#generation-status')?.getAttribute('data-state') ?? '';
          if (record.states.at(-1) !== state) record.states.push(state);
          if (state !== 'generating') return;
          const messages = document.querySelectorAll('#messages .message');
          const last = messages[messages.length - 1];
          const index = Number(last?.getAttribute('data-index'));
          const text = last?.querySelector('.message-text')?.textContent ?? '';
          const length = text.length;
          const seen = record.lengths.at(-1);
          if (length > 0 && (seen?.index !== index || seen.length !== length))
            record.lengths.push({ index, length });
          if (stopAt !== undefined && index === stopAt && text.trim() !== '' && !record.stopClicked) {
            const stop = document.querySelector('#stop');
            if (stop instanceof HTMLButtonElement && !stop.disabled) {
              record.stopClicked = true;
              stop.click();
            }
          }
        };
        record.observer = new MutationObserver(look);
        record.observer.observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
          attributes: true,
        });
        Reflect.set(window, key, record);
        look();
      },
      { key: WATCH_KEY, stopAt: options.stopAt },
    );
  }

  /** Waits until the watched generation went through `generating` and back to idle; its record. */
  async finished(): Promise<GenerationWatch> {
    await this.page
      .waitForFunction(
        (key) => {
          const record = Reflect.get(window, key) as { states: string[] } | undefined;
          const state = document.querySelector('#generation-status')?.getAttribute('data-state');
          if (state === 'failed') return true;
          return record?.states.includes('generating') === true && state === 'idle';
        },
        WATCH_KEY,
        { ...SLOW, polling: 100 },
      )
      .catch(async (error: unknown) => {
        throw new Error(`the reply did not finish: ${await this.describe()}`, { cause: error });
      });
    const state = await this.page.getAttribute('#generation-status', 'data-state');
    if (state === 'failed') throw new Error(`generation failed: ${await this.describe()}`);
    return watchSchema.parse(
      await this.page.evaluate((key) => {
        const record = Reflect.get(window, key) as GenerationWatchInPage;
        record.observer?.disconnect();
        return { states: record.states, lengths: record.lengths, stopClicked: record.stopClicked };
      }, WATCH_KEY),
    );
  }

  /** The page's state for a failure message: statuses and counts, never chat text. */
  async describe(): Promise<string> {
    return JSON.stringify(
      await this.page.evaluate(() => ({
        status: document.querySelector('#generation-status')?.getAttribute('data-state'),
        runtime: document.querySelector('#runtime-line')?.textContent,
        messages: document.querySelectorAll('#messages .message').length,
        lastReplyLength: [...document.querySelectorAll('#messages .message .message-text')].at(-1)
          ?.textContent?.length,
        stats: document.querySelector('#reply-stats')?.textContent,
        notices: document.querySelector('#notices')?.textContent,
      })),
    );
  }

  /** Sends a user message and waits for the whole reply. */
  async send(text: string, options: { stopAt?: number } = {}): Promise<GenerationWatch> {
    await this.page.fill('#message-input', text);
    await this.watch(options);
    await this.page.click('#send');
    return this.finished();
  }

  async regenerate(): Promise<GenerationWatch> {
    await this.watch();
    await this.page.locator('#messages .message[data-role="char"]').last().locator('.regenerate').click();
    return this.finished();
  }

  /** Edits the message at `index` inline and saves it. */
  async edit(index: number, text: string): Promise<void> {
    const message = this.page.locator(`#messages .message[data-index="${index}"]`);
    await message.locator('.edit').click();
    await message.locator('.edit-text').fill(text);
    await message.locator('.save-edit').click();
    await this.page.waitForFunction(
      ({ index, text }) =>
        document.querySelector(`#messages .message[data-index="${index}"] .message-text`)?.textContent ===
        text,
      { index, text },
      UI,
    );
  }

  async replyStats(): Promise<ReplyStats> {
    return replyStatsSchema.parse(
      await this.page.locator('#reply-stats').evaluate((stats) => ({
        promptTokens: stats.getAttribute('data-prompt-tokens'),
        reusedTokens: stats.getAttribute('data-reused-tokens'),
        firstTokenMs: stats.getAttribute('data-first-token-ms'),
        tokens: stats.getAttribute('data-tokens'),
        tokensPerSecond: stats.getAttribute('data-tokens-per-second'),
        stopReason: stats.getAttribute('data-stop-reason'),
      })),
    );
  }

  /** The "Prompt sent" panel: the exact text and the ids of the last generation. */
  async lastPrompt(): Promise<{ text: string; ids: number[] }> {
    const text = (await this.page.locator('#last-prompt-text').textContent()) ?? '';
    const ids = (await this.page.locator('#last-prompt-ids').textContent()) ?? '';
    return {
      text,
      ids: z.array(z.coerce.number().int().min(0)).parse(ids.split(',').map((id) => id.trim())),
    };
  }

  async swipeCount(index: number): Promise<string> {
    return (
      (await this.page.locator(`#messages .message[data-index="${index}"] .swipe-count`).textContent()) ?? ''
    );
  }

  async notices(): Promise<string> {
    return (await this.page.locator('#notices').textContent()) ?? '';
  }
}

interface GenerationWatchInPage extends GenerationWatch {
  observer?: MutationObserver;
}
