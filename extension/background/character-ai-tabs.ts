/**
 * The tabs the extension may talk to: exactly the hosts of `host_permissions` and the content
 * scripts' `matches`, the hosts Character.AI's web app is served from. Not `*.character.ai`: other
 * subdomains (help centre, status page, blog) are often run by third parties, and a script there
 * could claim a session, be handed the dumper's requests (which name the user's chats) and answer
 * them with made-up chats, or post forged captures into the store.
 */
export const CHARACTER_AI_TABS = [
  'https://character.ai/*',
  'https://www.character.ai/*',
  'https://beta.character.ai/*',
  'https://plus.character.ai/*',
  'https://old.character.ai/*',
];
