import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { type StoreExportPreview, writeStoreExportZip } from '../../shared/export/export-store.ts';
import { uploadExportZip } from '../../shared/upload/upload-export-zip.ts';
import type { Consent } from '../../shared/upload/upload-protocol.ts';
import { portableZipCodec } from '../../shared/zip/zip-codec.ts';
import type { ExtensionOptions } from '../settings/extension-options.ts';
import { h } from './dom.ts';
import { plural } from './plural.ts';

/**
 * Upload, only after the user has seen what goes and chosen what may happen to it. The zip is
 * written from the very preview shown on the page; the consent travels with it. The request goes
 * from this page straight to the server the user set (the server answers CORS for extension
 * origins), so no host permission beyond character.ai is needed. A failure deletes nothing.
 */
export function uploadPanel(preview: StoreExportPreview, options: ExtensionOptions): HTMLElement {
  if (options.uploadEndpoint === '') {
    return h(
      'p',
      { class: 'muted', id: 'upload-unset' },
      'No collection server is set. Set its address in the Options page to upload; exporting works without one.',
    );
  }
  const chats = preview.audited.chats;
  const messages = chats.reduce((sum, chat) => sum + chat.messages.length, 0);
  // Ratings from the chat page are worth sending on their own, without any captured chat.
  const preferences = preview.preferences.preferences.length;
  const formats = options.formats.length === 0 ? 'none' : options.formats.join(', ');
  const consentPrivate = h('input', {
    type: 'radio',
    name: 'consent',
    id: 'consent-private',
    value: 'private',
  });
  const consentPublic = h('input', { type: 'radio', name: 'consent', id: 'consent-public', value: 'public' });
  const confirmed = h('input', { type: 'checkbox', id: 'upload-confirm' });
  const button = h(
    'button',
    { type: 'button', id: 'upload-button', class: 'primary', disabled: true },
    'Upload',
  );
  const result = h('p', { id: 'upload-result', 'aria-live': 'polite' });

  const consent = (): Consent | undefined =>
    consentPrivate.checked ? 'private' : consentPublic.checked ? 'public' : undefined;
  const refresh = () => {
    button.disabled = consent() === undefined || !confirmed.checked || chats.length + preferences === 0;
  };
  for (const input of [consentPrivate, consentPublic, confirmed]) input.addEventListener('change', refresh);

  button.addEventListener('click', async () => {
    const chosen = consent();
    if (chosen === undefined) return;
    button.disabled = true;
    result.className = 'muted';
    result.textContent = 'Uploading…';
    try {
      const zip = await writeStoreExportZip(preview, { formats: options.formats, codec: portableZipCodec });
      const receipt = await uploadExportZip({
        endpoint: options.uploadEndpoint,
        zip: zip.bytes,
        consent: chosen,
      });
      result.textContent = `Uploaded ${plural(receipt.chats, 'chat')} (${receipt.newChats} new, ${receipt.duplicateChats} the server already had), kept ${receipt.consent === 'public' ? 'as publishable' : 'private'}. Receipt ${receipt.uploadId}.`;
    } catch (error) {
      result.className = 'notice error';
      result.textContent = `${error instanceof PygboxError ? error.describe() : 'The upload failed.'}\nNothing was deleted: your chats are still here.`;
    } finally {
      refresh();
    }
  });

  return h(
    'div',
    {},
    h(
      'p',
      { id: 'upload-contents' },
      `The zip will hold ${plural(chats.length, 'chat')} with ${plural(messages, 'message')}, as shown below, and ${plural(preferences, 'preference record')} from your ratings in the chat page, with ${preview.identitiesRedacted} of your identities replaced; extra formats: ${formats}. It goes to ${options.uploadEndpoint}.`,
    ),
    h('p', {}, 'What may the collectors do with these chats?'),
    h('label', {}, consentPrivate, ' Keep them private: use them for training, never publish them.'),
    h('br'),
    h('label', {}, consentPublic, ' They may be published as part of an open dataset.'),
    h('p', {}, h('label', {}, confirmed, ' I have looked at the chats below and want to send them.')),
    button,
    result,
  );
}
