import type { StoreCounts } from '../../shared/store/pygbox-store.ts';
import type { PageChatContext } from '../page-chat-context.ts';
import { plural } from './describe-progress.ts';
import { button, h } from './dom.ts';
import {
  createExportSection,
  type ExportPreviewSummary,
  type ExportSectionActions,
} from './export-section.ts';
import { PANEL_CSS } from './panel-styles.ts';

export type DumpButtonKind = 'chat' | 'character' | 'everything';

export interface PanelActions extends ExportSectionActions {
  dump(kind: DumpButtonKind): void;
  cancelDump(): void;
}

export interface PanelView {
  showCounts(counts: StoreCounts): void;
  /** Enables the dump buttons that make sense on this page, or only Cancel while a dump runs. */
  showDumpState(running: boolean, context: PageChatContext): void;
  showProgress(text: string): void;
  /** Plain words, or undefined to clear. */
  showError(text: string | undefined): void;
  showPreview(summary: ExportPreviewSummary): void;
  showExportStatus(text: string): void;
  /** Until the next preview: the one shown no longer says what the zip would hold. */
  disableExport(): void;
}

export const PANEL_HOST_ID = 'pygbox-panel-host';

/**
 * The panel shows the user's own identities (account name, email) and chat text, which the site's
 * pages may not show. Session-replay tools a site embeds record the DOM, open shadow roots
 * included, and send it to their servers; these are the markers the common ones (rrweb and Sentry
 * Replay, FullStory, LogRocket, Hotjar, Clarity) honour to leave an element out of a recording.
 */
const REPLAY_BLOCK_CLASSES = 'rr-block sentry-block fs-exclude';
const REPLAY_BLOCK_ATTRIBUTES: Record<string, string> = {
  'data-sentry-block': '',
  'data-private': '',
  'data-hj-suppress': '',
  'data-clarity-mask': 'true',
};

/**
 * The in-page panel, in its own shadow root so the site's styles and the panel's never mix.
 * The root is open: the site can already read its own origin's storage, where the userscript keeps
 * its data, so closing it would hide nothing, and an open root lets tests and tools reach it.
 */
export function mountPanel(document: Document, actions: PanelActions): PanelView {
  const host = h(document, 'div', {
    className: REPLAY_BLOCK_CLASSES,
    attributes: { id: PANEL_HOST_ID, ...REPLAY_BLOCK_ATTRIBUTES },
  });
  const root = host.attachShadow({ mode: 'open' });
  const style = h(document, 'style', { text: PANEL_CSS });

  const counts = h(document, 'div', { name: 'counts', text: 'Stored: nothing yet.' });
  const progress = h(document, 'div', { className: 'muted', name: 'progress' });
  const error = h(document, 'div', { className: 'error', name: 'error' });
  const dumpChat = button(document, 'Dump this chat', 'dump-chat', () => actions.dump('chat'));
  const dumpCharacter = button(document, 'Dump all chats with this character', 'dump-character', () =>
    actions.dump('character'),
  );
  const dumpEverything = button(document, 'Dump everything', 'dump-everything', () =>
    actions.dump('everything'),
  );
  const cancel = button(document, 'Cancel', 'cancel-dump', actions.cancelDump);
  const exportSection = createExportSection(document, actions);

  const panel = h(document, 'div', { className: 'panel', name: 'panel' });
  const toggle = button(document, '–', 'toggle', () => {
    panel.classList.toggle('collapsed');
    toggle.textContent = panel.classList.contains('collapsed') ? '+' : '–';
  });
  panel.append(
    h(document, 'div', { className: 'head' }, [h(document, 'span', { text: 'Pygbox' }), toggle]),
    h(document, 'div', { className: 'body' }, [
      counts,
      h(document, 'div', { className: 'row' }, [dumpChat, dumpCharacter, dumpEverything, cancel]),
      progress,
      error,
      exportSection.element,
    ]),
  );
  root.append(style, panel);
  document.documentElement.append(host);

  return {
    showCounts(stored) {
      counts.textContent = `Stored: ${plural(stored.characters, 'character')}, ${plural(stored.chats, 'chat')}, ${plural(stored.messages, 'message')}.`;
    },
    showDumpState(running, context) {
      const onChat = context.characterId !== undefined || context.chatId !== undefined;
      dumpChat.disabled = running || !onChat;
      dumpCharacter.disabled = running || context.characterId === undefined;
      dumpEverything.disabled = running || context.api === 'legacy';
      cancel.disabled = !running;
    },
    showProgress(text) {
      progress.textContent = text;
    },
    showError(text) {
      error.textContent = text ?? '';
    },
    showPreview: exportSection.showPreview,
    showExportStatus: exportSection.showStatus,
    disableExport: exportSection.disableExport,
  };
}
