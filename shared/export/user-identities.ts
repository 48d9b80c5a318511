import type { ChatSettings } from '../local-chat/chat-settings.ts';
import type { StoreSettings } from '../store/store-settings.ts';

/**
 * Every name the user typed for themselves: the redaction list's own names and the display name
 * they gave the chat page. The export, the review page and the chat page's captured characters
 * anonymize with this one list, so what the user sees replaced is what the zip replaces.
 */
export function userIdentitiesOf(
  settings: Pick<StoreSettings, 'userIdentities'>,
  chatSettings: Pick<ChatSettings, 'userDisplayName'>,
): string[] {
  const displayName = chatSettings.userDisplayName;
  return displayName === '' ? [...settings.userIdentities] : [...settings.userIdentities, displayName];
}
