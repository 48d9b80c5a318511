import type { LocalMessage } from '../../shared/local-chat/local-chat.ts';
import { h } from '../pages/dom.ts';
import { selectedText } from './chat-edits.ts';
import { displayText, userLabel } from './display-text.ts';

/** What a message's buttons do; the page wires them to the session. */
export interface MessageActions {
  edit(index: number, text: string): void;
  remove(index: number): void;
  browse(index: number, step: -1 | 1): void;
  rate(index: number, rating: 'up' | 'down'): void;
  regenerate(): void;
  continueReply(): void;
}

export interface MessageViewContext {
  characterName: string;
  displayName: string;
  /** Whether buttons that change the chat are usable (not while a reply is written). */
  busy: boolean;
  /** Index of the last char message that ends the chat (it gets regenerate and continue). */
  lastIndex: number;
  actions: MessageActions;
}

/**
 * One message of `#messages`: speaker, text (as text nodes; stored `{{user}}`/`{{char}}` shown
 * with names) and its buttons. Edit swaps the text for a textarea in place.
 */
export function messageView(message: LocalMessage, index: number, context: MessageViewContext): HTMLElement {
  const { actions, busy } = context;
  const isChar = message.role === 'char';
  const swipe = message.swipes[message.selected];
  const text = h(
    'div',
    { class: 'message-text' },
    displayText(selectedText(message), context.characterName, context.displayName),
  );
  const button = (
    className: string,
    label: string,
    onClick: () => void,
    extra: Record<string, string> = {},
  ) => {
    const element = h('button', { type: 'button', class: className, disabled: busy, ...extra }, label);
    element.addEventListener('click', onClick);
    return element;
  };
  const element = h(
    'div',
    { class: 'message', 'data-role': message.role, 'data-index': index },
    h('div', { class: 'speaker' }, isChar ? context.characterName : userLabel(context.displayName)),
    text,
  );
  const tools = h('div', { class: 'message-tools' });
  if (isChar) {
    tools.append(
      button('swipe-prev', '‹', () => actions.browse(index, -1), { 'aria-label': 'Previous swipe' }),
      h('span', { class: 'swipe-count' }, `${message.selected + 1}/${message.swipes.length}`),
      button('swipe-next', '›', () => actions.browse(index, 1), { 'aria-label': 'Next swipe' }),
      button('rate-up', 'Good', () => actions.rate(index, 'up'), {
        'aria-label': 'Good reply',
        'aria-pressed': String(swipe?.rating === 'up'),
      }),
      button('rate-down', 'Bad', () => actions.rate(index, 'down'), {
        'aria-label': 'Bad reply',
        'aria-pressed': String(swipe?.rating === 'down'),
      }),
    );
    if (index === context.lastIndex) {
      tools.append(
        button('regenerate', 'Regenerate', () => actions.regenerate()),
        button('continue', 'Continue', () => actions.continueReply()),
      );
    }
  }
  tools.append(
    button('edit', 'Edit', () =>
      startEdit(element, text, selectedText(message), (edited) => actions.edit(index, edited)),
    ),
    button('delete', 'Delete', () => actions.remove(index)),
  );
  if (message.edited) tools.append(h('span', { class: 'muted' }, 'edited'));
  element.append(tools);
  return element;
}

/** Puts a textarea with the stored text (placeholders as written) in place of the shown text. */
function startEdit(
  element: HTMLElement,
  text: HTMLElement,
  stored: string,
  save: (text: string) => void,
): void {
  if (element.querySelector('.edit-text') !== null) return;
  const area = h('textarea', { class: 'edit-text', rows: 4 });
  area.value = stored;
  const saveButton = h('button', { type: 'button', class: 'save-edit primary' }, 'Save');
  const cancelButton = h('button', { type: 'button', class: 'cancel-edit' }, 'Cancel');
  const editor = h(
    'div',
    { class: 'message-editor' },
    area,
    h('div', { class: 'row' }, saveButton, cancelButton),
  );
  text.replaceWith(editor);
  area.focus();
  saveButton.addEventListener('click', () => save(area.value));
  cancelButton.addEventListener('click', () => editor.replaceWith(text));
}
