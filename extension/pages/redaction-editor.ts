import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { PygboxStore } from '../../shared/store/pygbox-store.ts';
import { h } from './dom.ts';

/**
 * The user's own names and the words to blank out, one per line, saved in the store's settings,
 * where every export reads them. Used by the options page and the review page.
 */
export function redactionEditor(store: PygboxStore, onSaved: () => void): HTMLElement {
  const names = h('textarea', { id: 'user-identities', spellcheck: false });
  const words = h('textarea', { id: 'redactions', spellcheck: false });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const save = h('button', { type: 'button', id: 'save-redactions' }, 'Save');

  const load = async () => {
    const settings = await store.getSettings();
    names.value = settings.userIdentities.join('\n');
    words.value = settings.redactions.join('\n');
  };
  save.addEventListener('click', async () => {
    try {
      // In one transaction with the read, so an exclusion ticked meanwhile in another page stays.
      const saved = await store.updateSettings((current) => ({
        ...current,
        userIdentities: lines(names.value),
        redactions: lines(words.value),
      }));
      names.value = saved.userIdentities.join('\n');
      words.value = saved.redactions.join('\n');
      status.textContent = `Saved: ${saved.userIdentities.length} names, ${saved.redactions.length} words.`;
      status.className = 'muted';
      onSaved();
    } catch (error) {
      status.textContent =
        error instanceof PygboxError ? error.describe() : 'Saving failed; nothing changed.';
      status.className = 'notice error';
    }
  });
  void load();

  return h(
    'div',
    { class: 'redaction-editor' },
    h(
      'label',
      { for: 'user-identities' },
      'Your names (one a line): nicknames, your real name, handles the site never showed. Each becomes {{user}}.',
    ),
    names,
    h(
      'label',
      { for: 'redactions' },
      'Other words to remove (one a line): places, people, anything. Each becomes [REDACTED].',
    ),
    words,
    h('div', { class: 'row' }, save, status),
  );
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
