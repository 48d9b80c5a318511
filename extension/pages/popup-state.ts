import type { DumpStatus } from '../messages/dump-status.ts';
import type { WireError } from '../messages/message-error.ts';
import type { StatusReply, StoreCountsReply } from '../messages/worker-protocol.ts';
import { plural } from './plural.ts';

/**
 * The popup as data: what it knows (from the worker's status replies and its own export), changed
 * only by `popupReducer`, and what it shows, derived by `popupView`. The DOM code only renders the
 * view and turns clicks into events, so every state the user can see is testable without a browser.
 */
export interface PopupState {
  counts: StoreCountsReply | undefined;
  dump: DumpStatus | undefined;
  /** The worker did not answer the last status request. */
  statusError: WireError | undefined;
  /** A start or cancel is on its way to the worker. */
  dumpPending: boolean;
  dumpError: WireError | undefined;
  exporting:
    | { state: 'idle' }
    | { state: 'working' }
    | { state: 'done'; fileName: string; chats: number }
    | {
        state: 'failed';
        error: WireError;
      };
}

export type PopupEvent =
  | { type: 'status'; reply: StatusReply }
  | { type: 'status-failed'; error: WireError }
  | { type: 'dump-requested' }
  | { type: 'dump-answered'; dump: DumpStatus }
  | { type: 'dump-refused'; error: WireError }
  | { type: 'export-started' }
  | { type: 'export-done'; fileName: string; chats: number }
  | { type: 'export-failed'; error: WireError };

export const INITIAL_POPUP_STATE: PopupState = {
  counts: undefined,
  dump: undefined,
  statusError: undefined,
  dumpPending: false,
  dumpError: undefined,
  exporting: { state: 'idle' },
};

export function popupReducer(state: PopupState, event: PopupEvent): PopupState {
  switch (event.type) {
    case 'status':
      return { ...state, counts: event.reply.counts, dump: event.reply.dump, statusError: undefined };
    case 'status-failed':
      return { ...state, statusError: event.error };
    case 'dump-requested':
      return { ...state, dumpPending: true, dumpError: undefined };
    case 'dump-answered':
      return { ...state, dumpPending: false, dump: event.dump };
    case 'dump-refused':
      return { ...state, dumpPending: false, dumpError: event.error };
    case 'export-started':
      return { ...state, exporting: { state: 'working' } };
    case 'export-done':
      return { ...state, exporting: { state: 'done', fileName: event.fileName, chats: event.chats } };
    case 'export-failed':
      return { ...state, exporting: { state: 'failed', error: event.error } };
  }
}

export interface PopupView {
  /** "3 characters · 5 chats · 120 messages", or a placeholder while loading. */
  counts: string;
  dumpButton: { label: string; action: 'start' | 'cancel'; disabled: boolean };
  /** One line of dump progress, empty when there is nothing to say. */
  dumpLine: string;
  exportButton: { label: string; disabled: boolean };
  /** What happened last, in plain words: an export saved, or an error with its hint. */
  notices: { tone: 'info' | 'error'; text: string }[];
}

export function popupView(state: PopupState): PopupView {
  const running = state.dump?.state === 'running';
  const notices: PopupView['notices'] = [];
  if (state.statusError !== undefined) notices.push({ tone: 'error', text: describe(state.statusError) });
  if (state.dumpError !== undefined) notices.push({ tone: 'error', text: describe(state.dumpError) });
  if (state.dump?.state === 'failed' && state.dump.error !== undefined) {
    notices.push({ tone: 'error', text: `The dump stopped: ${describe(state.dump.error)}` });
  }
  const failedChats = state.dump?.state === 'finished' ? state.dump.progress : undefined;
  if (failedChats !== undefined && failedChats.chatsFailed > 0) {
    notices.push({
      tone: 'error',
      text: `${plural(failedChats.chatsFailed, 'chat')} could not be dumped${failedChats.problem === undefined ? '' : ` (${failedChats.problem})`}. Start the dump again to retry only those.`,
    });
  }
  const exporting = state.exporting;
  if (exporting.state === 'done') {
    notices.push({ tone: 'info', text: `Saved ${exporting.fileName} (${plural(exporting.chats, 'chat')}).` });
  }
  if (exporting.state === 'failed')
    notices.push({ tone: 'error', text: `Export failed: ${describe(exporting.error)}` });

  const counts = state.counts;
  return {
    counts:
      counts === undefined
        ? 'Reading your local store…'
        : `${plural(counts.characters, 'character')} · ${plural(counts.chats, 'chat')} · ${plural(counts.messages, 'message')}${counts.preferences === 0 ? '' : ` · ${plural(counts.preferences, 'rating')}`}`,
    dumpButton: {
      label: running ? 'Cancel dump' : 'Dump all chats',
      action: running ? 'cancel' : 'start',
      disabled: state.dumpPending,
    },
    dumpLine: dumpLine(state.dump),
    exportButton: {
      label: exporting.state === 'working' ? 'Exporting…' : 'Export anonymized zip',
      disabled:
        exporting.state === 'working' || counts === undefined || counts.chats + counts.preferences === 0,
    },
    notices,
  };
}

function dumpLine(dump: DumpStatus | undefined): string {
  if (dump === undefined || dump.state === 'idle') return '';
  const progress = dump.progress;
  const chats =
    progress === undefined
      ? ''
      : `${progress.chatsDone} of ${progress.chatsTotal} chats, ${plural(progress.pages, 'page')}${progress.chatsFailed > 0 ? `, ${progress.chatsFailed} failed` : ''}`;
  switch (dump.state) {
    case 'running': {
      if (progress === undefined) return 'Dump starting…';
      if (progress.phase === 'listing') return `Listing your chats… ${plural(progress.pages, 'page')}`;
      if (progress.phase === 'waiting' && progress.waitMs !== undefined) {
        return `Dumping: ${chats}; the site asked to slow down, waiting ${Math.ceil(progress.waitMs / 1000)} s`;
      }
      return `Dumping: ${chats}`;
    }
    case 'finished':
      return `Dump finished: ${chats}.`;
    case 'cancelled':
      return `Dump cancelled${chats === '' ? '' : ` after ${chats}`}; start it again to continue.`;
    case 'failed':
      return `Dump stopped${chats === '' ? '' : ` after ${chats}`}.`;
  }
}

function describe(error: WireError): string {
  return error.hint === undefined ? `${error.message}.` : `${error.message}. ${error.hint}`;
}
