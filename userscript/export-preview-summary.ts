import type { StoreExportPreview } from '../shared/export/export-store.ts';
import type { StoreSettings } from '../shared/store/pygbox-store.ts';
import type { ExportPreviewSummary } from './panel/export-section.ts';

const SAMPLE_MESSAGES = 20;
const SAMPLE_TEXT_LENGTH = 300;

/** What the panel shows of an export before it is written: the audited text itself, a sample. */
export function exportPreviewSummary(
  preview: StoreExportPreview,
  settings: StoreSettings,
): ExportPreviewSummary {
  const chats = preview.audited.chats;
  const sample: string[] = [];
  for (const chat of chats) {
    if (sample.length >= SAMPLE_MESSAGES) break;
    sample.push(`— ${chat.character.name}`);
    for (const message of chat.messages.slice(0, SAMPLE_MESSAGES - sample.length)) {
      const text =
        message.text.length > SAMPLE_TEXT_LENGTH
          ? `${message.text.slice(0, SAMPLE_TEXT_LENGTH)}…`
          : message.text;
      sample.push(`${message.role}: ${text}`);
    }
  }
  return {
    chats: chats.length,
    messages: chats.reduce((sum, chat) => sum + chat.messages.length, 0),
    excluded: preview.excluded,
    identities: [...new Set(preview.identities.map((identity) => identity.value))],
    userIdentities: settings.userIdentities,
    redactions: settings.redactions,
    sample,
  };
}
