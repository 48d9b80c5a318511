import '../../shared/zod-without-eval.ts';
import browser from 'webextension-polyfill';
import type { Chat } from '../../shared/chat/chat.ts';
import { DUMP_CURSOR_DB } from '../../shared/dump/dump-cursor-store.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { anonymizeForExport } from '../../shared/export/anonymize-for-export.ts';
import { previewStoreExport, type StoreExportPreview } from '../../shared/export/export-store.ts';
import { userIdentitiesOf } from '../../shared/export/user-identities.ts';
import { openPygboxStore, type PygboxStore } from '../../shared/store/pygbox-store.ts';
import type { StoreSettings } from '../../shared/store/store-settings.ts';
import { deleteAllModels } from '../models/model-library.ts';
import { readExtensionOptions } from '../settings/extension-options.ts';
import { byId, h, replaceChildren } from './dom.ts';
import { buildExportZip, downloadZip } from './export-zip.ts';
import { plural } from './plural.ts';
import { redactionEditor } from './redaction-editor.ts';
import { type ReviewChat, reviewChats, setExclusion } from './review-model.ts';
import { uploadPanel } from './upload-panel.ts';
import { askWorker } from './worker-client.ts';

/**
 * The review page: every stored chat anonymized exactly as it will be exported, with buttons to
 * leave a chat or a message out, delete a chat, add names and words to redact, export, upload,
 * and delete everything. It reads and writes the store directly (same origin as the worker).
 */
const summary = byId('summary', HTMLParagraphElement);
const notices = byId('notices', HTMLDivElement);
const chatList = byId('chats', HTMLDivElement);
const uploadSlot = byId('upload', HTMLDivElement);
const exportButton = byId('export', HTMLButtonElement);
const exportStatus = byId('export-status', HTMLSpanElement);
const deleteEverything = byId('delete-everything', HTMLButtonElement);
/** Chats the user has unfolded, kept open across re-renders. */
const unfolded = new Set<string>();

function showError(error: unknown): void {
  const text = error instanceof PygboxError ? error.describe() : 'Something went wrong; your data is kept.';
  replaceChildren(notices, h('p', { class: 'notice error' }, text));
}

async function render(store: PygboxStore): Promise<void> {
  const [chats, accountIdentities, settings, chatSettings, options] = await Promise.all([
    store.listChats(),
    store.allIdentities(),
    store.getSettings(),
    store.getChatSettings(),
    readExtensionOptions(),
  ]);
  replaceChildren(notices);
  let preview: StoreExportPreview;
  let reviewed: ReviewChat[];
  try {
    // Every chat first, so an audit finding's `chats[i]` is card #i of the list below.
    // The same identities as the export's (previewStoreExport): the chat page's display name too.
    const all = anonymizeForExport(chats, {
      accountIdentities,
      userIdentities: userIdentitiesOf(settings, chatSettings),
      redactions: settings.redactions,
    });
    reviewed = reviewChats(chats, all.audited.chats, settings);
    preview = await previewStoreExport(store);
  } catch (error) {
    // The audit found an identity left in the output: nothing is shown anonymized or exported until
    // it is fixed, but every chat can still be left out or deleted, by the number the error names.
    showError(error);
    summary.textContent = `${chats.length} chats stored; they cannot be shown anonymized until the problem above is fixed.`;
    replaceChildren(chatList, ...chats.map((chat, index) => unreviewedCard(store, chat, index, settings)));
    replaceChildren(uploadSlot);
    return;
  }

  const exportedMessages = preview.audited.chats.reduce((sum, chat) => sum + chat.messages.length, 0);
  summary.textContent = `${preview.audited.chats.length} of ${plural(chats.length, 'chat')} (${plural(exportedMessages, 'message')}) will be exported; left out: ${plural(preview.excluded.chats, 'chat')}, ${plural(preview.excluded.messages, 'message')}. Identities of yours replaced: ${preview.identitiesRedacted}. Preference records from the chat page (your ratings and kept replies): ${preview.preferences.preferences.length}.`;
  replaceChildren(
    notices,
    preview.identities.length === 0
      ? undefined
      : h(
          'div',
          {},
          h('p', { class: 'muted' }, 'Identities that will be replaced (shown only here, never exported):'),
          h(
            'div',
            { class: 'identities' },
            ...preview.identities.map((identity) => h('span', {}, identity.value)),
          ),
        ),
  );
  replaceChildren(uploadSlot, uploadPanel(preview, options));
  replaceChildren(chatList, ...reviewed.map((chat) => chatCard(store, chat)));
}

function chatCard(store: PygboxStore, chat: ReviewChat): HTMLElement {
  const exclude = h('input', { type: 'checkbox', checked: chat.excluded, 'data-chat-exclude': chat.chatId });
  exclude.addEventListener('change', () => void setExcluded(store, { chatId: chat.chatId }, exclude.checked));
  const details = h('details', { open: unfolded.has(chat.chatId) }, h('summary', {}, 'Messages'));
  const fill = () => {
    if (details.childElementCount > 1) return;
    details.append(...chat.messages.map((message) => messageRow(store, chat.chatId, message)));
  };
  details.addEventListener('toggle', () => {
    if (details.open) {
      unfolded.add(chat.chatId);
      fill();
    } else unfolded.delete(chat.chatId);
  });
  if (details.open) fill();
  const { anon } = chat;
  return h(
    'article',
    { class: chat.excluded ? 'chat excluded' : 'chat', 'data-chat': chat.chatId },
    h(
      'header',
      {},
      h('span', { class: 'title' }, anon.character.name),
      h(
        'span',
        { class: 'muted' },
        `${anon.messages.length} messages${anon.day === undefined ? '' : `, ${anon.day}`}`,
      ),
      h('label', {}, exclude, ' Leave out'),
      deleteButton(store, chat.chatId),
    ),
    details,
  );
}

/** A chat that could not be shown anonymized: its number, its size, and the buttons that act on it. */
function unreviewedCard(
  store: PygboxStore,
  chat: Chat,
  index: number,
  settings: Pick<StoreSettings, 'excludedChats'>,
): HTMLElement {
  const excluded = settings.excludedChats.includes(chat.chatId);
  const exclude = h('input', { type: 'checkbox', checked: excluded, 'data-chat-exclude': chat.chatId });
  exclude.addEventListener('change', () => void setExcluded(store, { chatId: chat.chatId }, exclude.checked));
  return h(
    'article',
    { class: excluded ? 'chat excluded' : 'chat', 'data-chat': chat.chatId },
    h(
      'header',
      {},
      h('span', { class: 'title' }, `chats[${index}]`),
      h('span', { class: 'muted' }, plural(chat.messages.length, 'message')),
      h('label', {}, exclude, ' Leave out'),
      deleteButton(store, chat.chatId),
    ),
  );
}

function deleteButton(store: PygboxStore, chatId: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'danger', 'data-chat-delete': chatId }, 'Delete');
  button.addEventListener('click', async () => {
    if (!window.confirm('Delete this chat and the captures it came from? This cannot be undone.')) return;
    await act(store, async () => {
      await refuseWhileDumping();
      await store.deleteChat(chatId);
    });
  });
  return button;
}

/**
 * A running dump would fetch a chat deleted under it again (whole, if it had not reached it yet;
 * its later pages, if it was in the middle of it), and the user would believe it gone.
 */
async function refuseWhileDumping(): Promise<void> {
  const { dump } = await askWorker({ type: 'status' });
  if (dump.state !== 'running') return;
  throw new PygboxError('usage', 'a dump is running and would fetch this chat again', {
    hint: 'Press "Cancel dump" in the Pygbox popup, then delete the chat.',
  });
}

function messageRow(
  store: PygboxStore,
  chatId: string,
  message: ReviewChat['messages'][number],
): HTMLElement {
  const exclude = h('input', { type: 'checkbox', checked: message.excluded });
  exclude.addEventListener(
    'change',
    () => void setExcluded(store, { chatId, messageId: message.id }, exclude.checked),
  );
  const swipes = message.anon.swipes.length === 0 ? '' : `\n(+${message.anon.swipes.length} other replies)`;
  return h(
    'div',
    { class: message.excluded ? 'message excluded' : 'message' },
    h('span', { class: 'role' }, message.anon.role === 'user' ? '{{user}}' : '{{char}}'),
    h('span', { class: 'text' }, message.anon.text + swipes),
    h('label', {}, exclude, ' Leave out'),
  );
}

async function setExcluded(
  store: PygboxStore,
  target: { chatId: string; messageId?: string },
  excluded: boolean,
) {
  await act(store, () => setExclusion(store, target, excluded));
}

/** Runs a change, then shows the store as it now is; a failure is shown and changes nothing. */
async function act(store: PygboxStore, change: () => Promise<unknown>): Promise<void> {
  try {
    await change();
    await render(store);
  } catch (error) {
    showError(error);
  }
}

async function main(): Promise<void> {
  const store = await openPygboxStore();
  byId('redaction', HTMLDivElement).append(redactionEditor(store, () => void render(store).catch(showError)));

  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    exportStatus.textContent = 'Exporting…';
    try {
      const zip = await buildExportZip(store, (await readExtensionOptions()).formats);
      await downloadZip(zip);
      exportStatus.textContent = `Saved ${zip.fileName} (${plural(zip.chats, 'chat')}${zip.preferences === 0 ? '' : `, ${plural(zip.preferences, 'preference record')}`}).`;
    } catch (error) {
      exportStatus.textContent = '';
      showError(error);
    } finally {
      exportButton.disabled = false;
    }
  });

  deleteEverything.addEventListener('click', async () => {
    if (
      !window.confirm(
        'Delete every capture, chat, local chat, character, preference record, installed model and setting Pygbox stored in this browser? This cannot be undone.',
      )
    ) {
      return;
    }
    await act(store, async () => {
      await askWorker({ type: 'dump-cancel' });
      // The local chats, characters and preference records live in the same database.
      await store.deleteEverything();
      await deleteAllModels();
      await deleteDatabase(DUMP_CURSOR_DB);
      // All of `storage.local`: the dump status, and the options (upload address, formats), which
      // are settings too and say which collection server the user sends to.
      await browser.storage.local.clear();
    });
  });

  await render(store);
}

/** The dumper's cursors name chats; the worker's connection closes itself when asked to. */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

main().catch(showError);
