import type { Chat, Identity } from '../chat/chat.ts';
import type { PygboxStore, StoreSettings } from '../store/pygbox-store.ts';
import { PYGBOX_VERSION } from '../version.ts';
import type { CompatFormat } from '../zip/export-manifest.ts';
import { writeExportZip } from '../zip/write-export-zip.ts';
import type { ZipCodec } from '../zip/zip-codec.ts';
import {
  type AnonymizedExport,
  anonymizeForExport,
  creatorNames,
  exportFileName,
} from './anonymize-for-export.ts';
import { collectIdentities } from './collect-identities.ts';
import { userIdentitiesOf } from './user-identities.ts';

/**
 * What an export from the local store will hold, before anything is written: the audited chats
 * and preference records of the browser chat (the exact text that leaves), and for the user's eyes only, the identities that get replaced.
 * The userscript panel, the extension popup and its review page all export through here, so the
 * user's exclusions and redaction words apply the same way everywhere.
 */
export interface StoreExportPreview extends AnonymizedExport {
  /** Identities that will be replaced, for a local preview. Never written anywhere. */
  identities: Identity[];
  /** Chats and messages left out by the user's exclusions. */
  excluded: { chats: number; messages: number };
}

export async function previewStoreExport(store: PygboxStore): Promise<StoreExportPreview> {
  const [chats, accountIdentities, settings, preferences, chatSettings] = await Promise.all([
    store.listChats(),
    store.allIdentities(),
    store.getSettings(),
    store.listPreferences(),
    store.getChatSettings(),
  ]);
  const userIdentities = userIdentitiesOf(settings, chatSettings);
  const { kept, excluded } = applyExclusions(chats, settings);
  // Identities and creators' handles come from every stored chat, excluded ones too: a name seen
  // only in an excluded chat can still be typed in a kept one (`allIdentities` covers every chat).
  const anonymized = anonymizeForExport(kept, {
    accountIdentities,
    userIdentities,
    redactions: [...settings.redactions, ...creatorNames(chats)],
    preferences,
  });
  const identities = collectIdentities([], accountIdentities, userIdentities);
  return { ...anonymized, identities, excluded };
}

export interface StoreExportZipOptions {
  formats?: readonly CompatFormat[];
  /** YYYY-MM-DD; today (UTC) by default. */
  day?: string;
  codec?: ZipCodec;
}

export interface StoreExportZip {
  bytes: Uint8Array;
  /** A download name holding only the day. */
  fileName: string;
  chats: number;
  /** Preference records in the zip's preferences.jsonl. */
  preferences: number;
  identitiesRedacted: number;
}

/** Writes the export zip of a preview (its audited chats and preference records only). */
export async function writeStoreExportZip(
  preview: StoreExportPreview,
  options: StoreExportZipOptions = {},
): Promise<StoreExportZip> {
  const day = options.day ?? new Date().toISOString().slice(0, 10);
  const bytes = await writeExportZip(preview.audited, {
    preferences: preview.preferences,
    formats: options.formats ?? [],
    anonymizerVersion: preview.anonymizerVersion,
    toolVersion: PYGBOX_VERSION,
    createdDay: day,
    ...(options.codec === undefined ? {} : { codec: options.codec }),
  });
  return {
    bytes,
    fileName: exportFileName(day),
    chats: preview.audited.chats.length,
    preferences: preview.preferences.preferences.length,
    identitiesRedacted: preview.identitiesRedacted,
  };
}

/** Drops excluded chats, and excluded messages from the chats kept; chats left empty go too. */
export function applyExclusions(
  chats: readonly Chat[],
  settings: Pick<StoreSettings, 'excludedChats' | 'excludedMessages'>,
): { kept: Chat[]; excluded: { chats: number; messages: number } } {
  const excludedChats = new Set(settings.excludedChats);
  const excludedMessages = new Map<string, Set<string>>();
  for (const { chatId, messageId } of settings.excludedMessages) {
    const ids = excludedMessages.get(chatId) ?? new Set<string>();
    ids.add(messageId);
    excludedMessages.set(chatId, ids);
  }
  const kept: Chat[] = [];
  let chatsDropped = 0;
  let messagesDropped = 0;
  for (const chat of chats) {
    if (excludedChats.has(chat.chatId)) {
      chatsDropped += 1;
      continue;
    }
    const dropped = excludedMessages.get(chat.chatId);
    const messages = dropped === undefined ? chat.messages : chat.messages.filter((m) => !dropped.has(m.id));
    messagesDropped += chat.messages.length - messages.length;
    if (messages.length === 0) {
      chatsDropped += 1;
      continue;
    }
    kept.push(messages.length === chat.messages.length ? chat : { ...chat, messages });
  }
  return { kept, excluded: { chats: chatsDropped, messages: messagesDropped } };
}
