import '../../shared/zod-without-eval.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { SAMPLER_PRESET_NAMES } from '../../shared/generate/sampler-presets.ts';
import type { SamplerSettings } from '../../shared/generate/sampler-settings.ts';
import type { TransformersCache } from '../../shared/generate/transformers-decoder.ts';
import type { ChatSettings } from '../../shared/local-chat/chat-settings.ts';
import type { LocalCharacter, LocalCharacterInput } from '../../shared/local-chat/local-character.ts';
import type { LocalChat } from '../../shared/local-chat/local-chat.ts';
import { type LocalChatStore, openLocalChatStore } from '../../shared/local-chat/local-chat-store.ts';
import { openPygboxStore } from '../../shared/store/pygbox-store.ts';
import { characterFromCardFile } from '../chat/card-character.ts';
import { newChat } from '../chat/chat-edits.ts';
import type { ChatModel } from '../chat/chat-model.ts';
import { ChatSession, type GenerationOutcome } from '../chat/chat-session.ts';
import { messageView } from '../chat/message-view.ts';
import { replyStats, replyStatsLine } from '../chat/reply-stats.ts';
import { samplerFromChatSettings } from '../chat/sampler-choice.ts';
import {
  SAMPLER_FIELDS,
  type SamplerField,
  samplerFieldsToRedraw,
  samplerFormValues,
  samplerInputId,
  samplerOverridesFromForm,
} from '../chat/sampler-form.ts';
import { type StoredChatCharacter, storedChatCharacters } from '../chat/stored-chat-characters.ts';
import { type BrowserChatModel, loadBrowserModel } from '../inference/load-browser-model.ts';
import type { DevicePreference, DtypePreference } from '../inference/runtime-choice.ts';
import { type InstalledModel, installedModelFiles, listInstalledModels } from '../models/model-library.ts';
import { byId, h, replaceChildren } from './dom.ts';
import { plural } from './plural.ts';

// ---- page elements (ids are the page's contract with its end-to-end test) ----
const modelSelect = byId('model-select', HTMLSelectElement);
const deviceSelect = byId('device-select', HTMLSelectElement);
const dtypeSelect = byId('dtype-select', HTMLSelectElement);
const loadButton = byId('load-model', HTMLButtonElement);
const runtimeLine = byId('runtime-line', HTMLParagraphElement);
const loadProgress = byId('load-progress', HTMLParagraphElement);
const notices = byId('notices', HTMLDivElement);
const characterSelect = byId('character-select', HTMLSelectElement);
const editor = byId('character-editor', HTMLDivElement);
const editorFields = {
  name: byId('character-name', HTMLInputElement),
  persona: byId('character-persona', HTMLTextAreaElement),
  scenario: byId('character-scenario', HTMLTextAreaElement),
  greeting: byId('character-greeting', HTMLTextAreaElement),
  exampleDialogue: byId('character-examples', HTMLTextAreaElement),
};
const cardFile = byId('card-file', HTMLInputElement);
const storedChatSelect = byId('stored-chat-select', HTMLSelectElement);
const chatList = byId('chat-list', HTMLUListElement);
const displayNameInput = byId('display-name', HTMLInputElement);
const presetSelect = byId('preset-select', HTMLSelectElement);
const samplerInputs = Object.fromEntries(
  SAMPLER_FIELDS.map((field) => [field, byId(samplerInputId(field), HTMLInputElement)]),
) as Record<SamplerField, HTMLInputElement>;
const settingsStatus = byId('settings-status', HTMLParagraphElement);
const messages = byId('messages', HTMLDivElement);
const messageInput = byId('message-input', HTMLTextAreaElement);
const sendButton = byId('send', HTMLButtonElement);
const stopButton = byId('stop', HTMLButtonElement);
const generationStatus = byId('generation-status', HTMLSpanElement);
const statsLine = byId('reply-stats', HTMLParagraphElement);
const lastPromptText = byId('last-prompt-text', HTMLPreElement);
const lastPromptIds = byId('last-prompt-ids', HTMLPreElement);

// ---- page state ----
let store: LocalChatStore;
let settings: ChatSettings;
let installed: InstalledModel[] = [];
let characters: LocalCharacter[] = [];
let storedOffers: StoredChatCharacter[] = [];
let session: ChatSession<TransformersCache> | undefined;
let loaded: { model: BrowserChatModel; chatModel: ChatModel<TransformersCache> } | undefined;
/** The character the editor is changing; undefined while it writes a new one. */
let editing: LocalCharacter | undefined;
/** Counts settings changes, so that only the newest save's stored answer replaces `settings`. */
let settingsChanges = 0;

function describe(error: unknown, what: string): string {
  // Only our own errors are shown as they are: they never hold user text. Others may (a runtime
  // error can quote input ids), so they are reported by what failed.
  return error instanceof PygboxError
    ? error.describe()
    : `${what} failed unexpectedly; the chat is as it was.`;
}

function showError(error: unknown, what: string): void {
  notices.append(h('p', { class: 'notice error' }, describe(error, what)));
}

/**
 * Applies a settings change at once (the next reply and the page use it) and stores it behind.
 * IndexedDB runs the saves in the order they were made, so the newest one's stored answer holds
 * every change; an older save finishing late must not put back what a newer change replaced.
 * `change` runs twice (here and in the store's transaction): it must read no input itself.
 */
async function changeSettings(change: (current: ChatSettings) => ChatSettings): Promise<void> {
  const number = ++settingsChanges;
  settings = change(settings);
  const stored = await store.updateChatSettings(change);
  if (number === settingsChanges) settings = stored;
}

function clearNotices(): void {
  replaceChildren(notices);
}

/** Runs a page action: one error line on failure, the notices cleared first. */
async function act(what: string, action: () => Promise<void>): Promise<void> {
  clearNotices();
  try {
    await action();
  } catch (error) {
    showError(error, what);
  }
}

function setGenerationState(state: 'idle' | 'loading' | 'generating' | 'failed', text: string): void {
  generationStatus.dataset.state = state;
  generationStatus.textContent = text;
  const busy = state === 'generating' || state === 'loading';
  stopButton.disabled = state !== 'generating';
  sendButton.disabled = busy;
  loadButton.disabled = busy;
}

// ---- models ----
function modelNames(): Record<string, string> {
  return Object.fromEntries(installed.map((model) => [model.id, model.manifest.name]));
}

function fillModelSelect(preselect: string | null): void {
  replaceChildren(
    modelSelect,
    ...(installed.length === 0 ? [h('option', { value: '' }, 'No model installed')] : []),
    ...installed.map((model) => h('option', { value: model.id }, model.manifest.name)),
  );
  if (preselect !== null && installed.some((model) => model.id === preselect)) modelSelect.value = preselect;
  fillDtypeSelect();
}

function fillDtypeSelect(): void {
  const model = installed.find((candidate) => candidate.id === modelSelect.value);
  const dtypes = model?.manifest.dtypes ?? [];
  replaceChildren(
    dtypeSelect,
    h('option', { value: 'auto' }, 'auto'),
    ...dtypes.map((dtype) => h('option', { value: dtype }, dtype)),
  );
  dtypeSelect.value = dtypes.some((dtype) => dtype === settings.dtype) ? settings.dtype : 'auto';
}

function runtimeWords(model: BrowserChatModel): string {
  const { device, dtype, reason, fellBack } = model.runtime;
  const parts = [device === 'webgpu' ? 'WebGPU' : 'WASM', dtype, reason];
  if (fellBack !== undefined) parts.push(fellBack);
  return parts.join(' · ');
}

async function loadSelectedModel(): Promise<void> {
  const chosen = installed.find((model) => model.id === modelSelect.value);
  if (chosen === undefined) {
    throw new PygboxError('usage', 'no model is chosen', { hint: 'import a model on the models page first' });
  }
  const device = deviceSelect.value as DevicePreference;
  const dtype = dtypeSelect.value as DtypePreference;
  await changeSettings((current) => ({ ...current, device, dtype, lastModelId: chosen.id }));
  const previous = loaded;
  loaded = undefined;
  await session?.setModel(undefined);
  await previous?.model.dispose();
  runtimeLine.dataset.state = 'loading';
  runtimeLine.textContent = `Loading ${chosen.manifest.name}…`;
  setGenerationState('loading', 'Loading the model…');
  try {
    const model = await loadBrowserModel({
      modelId: chosen.id,
      manifest: chosen.manifest,
      files: installedModelFiles(chosen.id),
      device,
      dtype,
      onProgress: (progress) => {
        const share = progress.total === 0 ? 100 : Math.floor((100 * progress.loaded) / progress.total);
        loadProgress.textContent = `Reading ${progress.file}: ${share}%`;
      },
    });
    loaded = {
      model,
      chatModel: {
        id: chosen.id,
        name: chosen.manifest.name,
        decoder: model.decoder,
        tokenizer: model.tokenizer,
        contextLength: model.contextLength,
        eosIds: model.eosIds,
      },
    };
    await session?.setModel(loaded.chatModel);
    runtimeLine.dataset.state = 'ready';
    runtimeLine.dataset.device = model.runtime.device;
    runtimeLine.dataset.dtype = model.runtime.dtype;
    runtimeLine.textContent = `${chosen.manifest.name}: ${runtimeWords(model)}`;
    loadProgress.textContent = '';
    setGenerationState('idle', '');
  } catch (error) {
    runtimeLine.dataset.state = 'failed';
    delete runtimeLine.dataset.device;
    delete runtimeLine.dataset.dtype;
    runtimeLine.textContent = 'The model did not load.';
    loadProgress.textContent = '';
    setGenerationState('failed', 'Loading failed.');
    throw error;
  }
}

// ---- characters ----
function fillCharacterSelect(selected: string | undefined): void {
  replaceChildren(
    characterSelect,
    ...(characters.length === 0 ? [h('option', { value: '' }, 'No character yet')] : []),
    ...characters.map((character) => h('option', { value: character.id }, character.name)),
  );
  if (selected !== undefined) characterSelect.value = selected;
}

function openEditor(character: LocalCharacter | undefined): void {
  editing = character;
  editorFields.name.value = character?.name ?? '';
  editorFields.persona.value = character?.persona ?? '';
  editorFields.scenario.value = character?.scenario ?? '';
  editorFields.greeting.value = character?.greeting ?? '';
  editorFields.exampleDialogue.value = character?.exampleDialogue ?? '';
  byId('delete-character', HTMLButtonElement).disabled = character === undefined;
  editor.hidden = false;
  editorFields.name.focus();
}

async function addCharacter(input: LocalCharacterInput): Promise<void> {
  const character = await store.putCharacter(input);
  characters = await store.listCharacters();
  fillCharacterSelect(character.id);
  await openCharacter(character);
}

async function saveEditedCharacter(): Promise<void> {
  const fields = {
    name: editorFields.name.value,
    persona: editorFields.persona.value,
    scenario: editorFields.scenario.value,
    greeting: editorFields.greeting.value,
    exampleDialogue: editorFields.exampleDialogue.value,
  };
  if (editing === undefined) {
    await addCharacter({ ...fields, source: 'hand-written' });
  } else {
    const saved = await store.putCharacter({ ...editing, ...fields });
    characters = await store.listCharacters();
    fillCharacterSelect(saved.id);
    if (session?.chat.characterId === saved.id) session.setCharacter(saved);
    renderMessages();
  }
  editor.hidden = true;
}

async function deleteEditedCharacter(): Promise<void> {
  const character = editing;
  if (character === undefined) return;
  const chats = await store.listChats(character.id);
  const question =
    chats.length === 0
      ? 'Delete this character?'
      : `Delete this character and its ${chats.length} chat(s), with their ratings?`;
  if (!confirm(question)) return;
  if (session?.chat.characterId === character.id) await closeSession();
  await store.deleteCharacter(character.id, { withChats: true });
  characters = await store.listCharacters();
  editor.hidden = true;
  const next = characters[0];
  fillCharacterSelect(next?.id);
  if (next !== undefined) await openCharacter(next);
  else renderAll();
}

async function loadStoredOffers(): Promise<void> {
  let offers: StoredChatCharacter[] = [];
  try {
    const main = await openPygboxStore();
    try {
      offers = await storedChatCharacters(main);
    } finally {
      main.close();
    }
  } catch (error) {
    showError(error, 'Reading your captured chats');
  }
  storedOffers = offers;
  replaceChildren(
    storedChatSelect,
    ...(offers.length === 0 ? [h('option', { value: '' }, 'No captured chats')] : []),
    ...offers.map((offer, index) => h('option', { value: index }, offer.label)),
  );
}

// ---- chats ----
async function closeSession(): Promise<void> {
  await session?.close();
  session = undefined;
}

/** Opens a chat: a fresh session (and so an empty cache) with the loaded model. */
async function openChat(chat: LocalChat, character: LocalCharacter): Promise<void> {
  await closeSession();
  const opened = new ChatSession<TransformersCache>({ store, character, chat, modelNames: modelNames() });
  if (loaded !== undefined) await opened.setModel(loaded.chatModel);
  session = opened;
  characterSelect.value = character.id;
  await changeSettings((current) => ({ ...current, lastChatId: chat.id }));
  await renderChatList();
  renderAll();
}

/** The character's newest chat, or a new one with its greeting. */
async function openCharacter(character: LocalCharacter): Promise<void> {
  const [newest] = await store.listChats(character.id);
  await openChat(
    newest ?? (await store.saveChat(newChat(character, new Date().toISOString()), {})),
    character,
  );
}

async function renderChatList(): Promise<void> {
  const characterId = session?.chat.characterId;
  const chats = characterId === undefined ? [] : await store.listChats(characterId);
  replaceChildren(
    chatList,
    ...chats.map((chat) => {
      const item = h(
        'li',
        {
          class: 'chat-item',
          'data-chat-id': chat.id,
          tabindex: 0,
          'aria-current': String(chat.id === session?.chat.id),
        },
        `${new Date(chat.updatedAt).toLocaleString()} · ${plural(chat.messages.length, 'message')}`,
      );
      const open = () =>
        void act('Opening the chat', async () => {
          if (session?.generating === true) return;
          const character = characters.find((candidate) => candidate.id === chat.characterId);
          const stored = await store.getChat(chat.id);
          if (character !== undefined && stored !== undefined) await openChat(stored, character);
        });
      item.addEventListener('click', open);
      item.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') open();
      });
      return item;
    }),
  );
}

function renderMessages(): void {
  const current = session;
  if (current === undefined) {
    replaceChildren(messages, h('p', { class: 'muted' }, 'Choose or create a character to start.'));
    return;
  }
  renderChat(current.chat, current.generating);
}

function renderChat(chat: LocalChat, busy: boolean): void {
  const characterName = session?.character.name ?? '';
  const last = chat.messages.length - 1;
  const lastIndex = chat.messages[last]?.role === 'char' ? last : -1;
  replaceChildren(
    messages,
    ...chat.messages.map((message, index) =>
      messageView(message, index, {
        characterName,
        displayName: settings.userDisplayName,
        busy,
        lastIndex,
        actions: messageActions,
      }),
    ),
  );
}

function renderAll(): void {
  renderMessages();
  const outcome = session?.lastGeneration;
  if (outcome !== undefined) showOutcome(outcome);
}

function showOutcome(outcome: GenerationOutcome): void {
  const stats = replyStats(outcome.result);
  statsLine.dataset.promptTokens = String(stats.promptTokens);
  statsLine.dataset.reusedTokens = String(stats.reusedTokens);
  statsLine.dataset.firstTokenMs = String(stats.firstTokenMs);
  statsLine.dataset.tokens = String(stats.tokens);
  statsLine.dataset.tokensPerSecond = String(stats.tokensPerSecond);
  statsLine.dataset.stopReason = stats.stopReason;
  statsLine.textContent = replyStatsLine(stats);
  lastPromptText.textContent = outcome.prompt.text;
  lastPromptIds.textContent = outcome.prompt.ids.join(',');
}

// ---- generation ----
function currentSampler(): SamplerSettings {
  return samplerFromChatSettings(settings);
}

/** Runs one generation with streaming into the message being written. */
async function generate(
  run: (
    current: ChatSession<TransformersCache>,
    sampler: SamplerSettings,
    callbacks: Parameters<ChatSession<TransformersCache>['send']>[2],
  ) => Promise<GenerationOutcome>,
): Promise<boolean> {
  clearNotices();
  const current = session;
  if (current === undefined) {
    showError(
      new PygboxError('usage', 'no chat is open', { hint: 'choose or create a character first' }),
      'Sending',
    );
    return false;
  }
  let target: HTMLElement | undefined;
  try {
    const sampler = currentSampler();
    setGenerationState('generating', 'Writing…');
    const outcome = await run(current, sampler, {
      onStart: (shown, index) => {
        renderChat(shown, true);
        target =
          messages.querySelector<HTMLElement>(`.message[data-index="${index}"] .message-text`) ?? undefined;
        target?.scrollIntoView({ block: 'nearest' });
      },
      onText: (text) => {
        target?.append(document.createTextNode(text));
      },
    });
    setGenerationState('idle', outcome.added ? '' : 'The model wrote nothing.');
    showOutcome(outcome);
    renderMessages();
    await renderChatList();
    return true;
  } catch (error) {
    setGenerationState('failed', 'The reply failed.');
    renderMessages();
    showError(error, 'The reply');
    return false;
  }
}

async function send(): Promise<void> {
  const text = messageInput.value;
  if (text.trim() === '' || session?.generating === true) return;
  messageInput.value = '';
  const sent = await generate((current, sampler, callbacks) => current.send(text, sampler, callbacks));
  // A failed reply takes the message back out of the chat, so it goes back into the box.
  if (!sent && messageInput.value === '') messageInput.value = text;
}

const messageActions = {
  edit: (index: number, text: string) =>
    void change('Saving the edit', (current) => current.edit(index, text)),
  remove: (index: number) => void change('Deleting the message', (current) => current.remove(index)),
  browse: (index: number, step: -1 | 1) =>
    void change('Changing the swipe', (current) => current.browse(index, step)),
  rate: (index: number, rating: 'up' | 'down') =>
    void change('Rating', (current) => current.rate(index, rating)),
  regenerate: () => void generate((current, sampler, callbacks) => current.regenerate(sampler, callbacks)),
  continueReply: () =>
    void generate((current, sampler, callbacks) => current.continueReply(sampler, callbacks)),
};

async function change(
  what: string,
  operation: (current: ChatSession<TransformersCache>) => Promise<unknown>,
): Promise<void> {
  await act(what, async () => {
    if (session === undefined) return;
    await operation(session);
  });
  renderMessages();
}

// ---- settings ----
function showSamplerSettings(): void {
  presetSelect.value = settings.samplerPreset;
  let values: Record<SamplerField, string>;
  try {
    values = samplerFormValues(currentSampler());
  } catch {
    values = samplerFormValues(samplerFromChatSettings({ ...settings, samplerOverrides: {} }));
  }
  for (const field of SAMPLER_FIELDS) samplerInputs[field].value = values[field];
}

function samplerInputValues(): Record<SamplerField, string> {
  return Object.fromEntries(SAMPLER_FIELDS.map((field) => [field, samplerInputs[field].value])) as Record<
    SamplerField,
    string
  >;
}

async function saveSamplerSettings(presetChanged: boolean): Promise<void> {
  const preset = presetSelect.value;
  const read = samplerInputValues();
  const overrides = presetChanged ? {} : samplerOverridesFromForm(preset, read);
  try {
    // Checked before it is stored: an out-of-range value is named and nothing is saved.
    samplerFromChatSettings({ ...settings, samplerPreset: preset, samplerOverrides: overrides });
  } catch (error) {
    settingsStatus.className = 'notice error';
    settingsStatus.textContent = describe(error, 'Checking the settings');
    return;
  }
  await changeSettings((current) => ({ ...current, samplerPreset: preset, samplerOverrides: overrides }));
  settingsStatus.className = 'muted';
  settingsStatus.textContent = 'Saved.';
  // The inputs show the settings in effect (a new preset's values, numbers as the page writes
  // them), except where the user typed while this save was stored: that text is theirs.
  presetSelect.value = settings.samplerPreset;
  const redraw = samplerFieldsToRedraw(read, samplerInputValues(), samplerFormValues(currentSampler()));
  for (const [field, value] of Object.entries(redraw) as [SamplerField, string][]) {
    samplerInputs[field].value = value;
  }
}

// ---- wiring ----
loadButton.addEventListener('click', () => void act('Loading the model', loadSelectedModel));
modelSelect.addEventListener('change', fillDtypeSelect);
characterSelect.addEventListener(
  'change',
  () =>
    void act('Opening the character', async () => {
      const character = characters.find((candidate) => candidate.id === characterSelect.value);
      if (character !== undefined && session?.generating !== true) await openCharacter(character);
    }),
);
byId('new-character', HTMLButtonElement).addEventListener('click', () => openEditor(undefined));
byId('edit-character', HTMLButtonElement).addEventListener('click', () => openEditor(session?.character));
byId('close-editor', HTMLButtonElement).addEventListener('click', () => {
  editor.hidden = true;
});
byId('save-character', HTMLButtonElement).addEventListener(
  'click',
  () => void act('Saving the character', saveEditedCharacter),
);
byId('delete-character', HTMLButtonElement).addEventListener(
  'click',
  () => void act('Deleting the character', deleteEditedCharacter),
);
cardFile.addEventListener(
  'change',
  () =>
    void act('Reading the card', async () => {
      const file = cardFile.files?.[0];
      if (file === undefined) return;
      cardFile.value = '';
      await addCharacter(characterFromCardFile(file.name, new Uint8Array(await file.arrayBuffer())));
    }),
);
byId('use-stored-chat', HTMLButtonElement).addEventListener(
  'click',
  () =>
    void act('Using the captured chat', async () => {
      const offer = storedOffers[Number(storedChatSelect.value)];
      if (offer === undefined || storedChatSelect.value === '') return;
      await addCharacter(offer.character);
    }),
);
byId('new-chat', HTMLButtonElement).addEventListener(
  'click',
  () =>
    void act('Starting a chat', async () => {
      const character = session?.character;
      if (character === undefined || session?.generating === true) return;
      await openChat(await store.saveChat(newChat(character, new Date().toISOString()), {}), character);
    }),
);
byId('delete-chat', HTMLButtonElement).addEventListener(
  'click',
  () =>
    void act('Deleting the chat', async () => {
      const current = session;
      if (current === undefined || current.generating) return;
      if (!confirm('Delete this chat and its ratings?')) return;
      await closeSession();
      await store.deleteChat(current.chat.id);
      await openCharacter(current.character);
    }),
);
displayNameInput.addEventListener(
  'change',
  () =>
    void act('Saving your display name', async () => {
      const userDisplayName = displayNameInput.value.trim();
      const saved = changeSettings((current) => ({ ...current, userDisplayName }));
      renderMessages();
      await saved;
      // The captured chats' characters are anonymized with the display name as one of the user's names.
      await loadStoredOffers();
    }),
);
presetSelect.addEventListener('change', () => void act('Saving the preset', () => saveSamplerSettings(true)));
for (const field of SAMPLER_FIELDS) {
  samplerInputs[field].addEventListener(
    'change',
    () => void act('Saving the sampler settings', () => saveSamplerSettings(false)),
  );
}
sendButton.addEventListener('click', () => void send());
stopButton.addEventListener('click', () => session?.stop());
messageInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void send();
  }
});
window.addEventListener('pagehide', () => {
  void closeSession();
  void loaded?.model.dispose();
});

async function start(): Promise<void> {
  store = await openLocalChatStore();
  settings = await store.getChatSettings();
  replaceChildren(presetSelect, ...SAMPLER_PRESET_NAMES.map((name) => h('option', { value: name }, name)));
  showSamplerSettings();
  displayNameInput.value = settings.userDisplayName;
  deviceSelect.value = settings.device;
  installed = await listInstalledModels();
  const wanted = new URLSearchParams(location.search).get('model');
  fillModelSelect(wanted ?? settings.lastModelId);
  characters = await store.listCharacters();
  const lastChat = settings.lastChatId === null ? undefined : await store.getChat(settings.lastChatId);
  const lastCharacter = characters.find((character) => character.id === lastChat?.characterId);
  if (lastChat !== undefined && lastCharacter !== undefined) {
    fillCharacterSelect(lastCharacter.id);
    await openChat(lastChat, lastCharacter);
  } else {
    const first = characters[0];
    fillCharacterSelect(first?.id);
    if (first !== undefined) await openCharacter(first);
    else renderAll();
  }
  setGenerationState('idle', '');
  await loadStoredOffers();
}

void act('Opening the chat page', start);
