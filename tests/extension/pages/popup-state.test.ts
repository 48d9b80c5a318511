import { describe, expect, it } from 'vitest';
import type { DumpStatus } from '../../../extension/messages/dump-status.ts';
import {
  INITIAL_POPUP_STATE,
  type PopupEvent,
  type PopupState,
  popupReducer,
  popupView,
} from '../../../extension/pages/popup-state.ts';

const COUNTS = { characters: 2, chats: 3, messages: 210, captures: 20, preferences: 0 };
const AT = '2025-01-01T00:00:00.000Z';

function progress(
  changes: Partial<NonNullable<DumpStatus['progress']>> = {},
): NonNullable<DumpStatus['progress']> {
  return {
    phase: 'dumping',
    chatsTotal: 3,
    chatsDone: 1,
    chatsFailed: 0,
    pages: 7,
    items: 150,
    retries: 0,
    resumed: false,
    ...changes,
  };
}

function dump(state: DumpStatus['state'], changes: Partial<DumpStatus> = {}): DumpStatus {
  return {
    state,
    scope: { kind: 'everything' },
    progress: progress(),
    restarts: 0,
    updatedAt: AT,
    ...changes,
  };
}

function run(...events: PopupEvent[]): PopupState {
  return events.reduce(popupReducer, INITIAL_POPUP_STATE);
}

describe('popup state', () => {
  it('starts by reading the store, with export off until counts arrive', () => {
    const view = popupView(INITIAL_POPUP_STATE);
    expect(view.counts).toBe('Reading your local store…');
    expect(view.exportButton.disabled).toBe(true);
    expect(view.dumpButton).toEqual({ label: 'Dump all chats', action: 'start', disabled: false });
  });

  it('shows counts from a status reply and enables export when there are chats', () => {
    const view = popupView(
      run({ type: 'status', reply: { counts: COUNTS, dump: dump('idle', { progress: undefined }) } }),
    );
    expect(view.counts).toBe('2 characters · 3 chats · 210 messages');
    expect(view.exportButton).toEqual({ label: 'Export anonymized zip', disabled: false });
    expect(view.dumpLine).toBe('');
  });

  it('keeps export off with no chat stored, and uses singular words for one', () => {
    const empty = popupView(
      run({ type: 'status', reply: { counts: { ...COUNTS, chats: 0, messages: 0 }, dump: dump('idle') } }),
    );
    expect(empty.exportButton.disabled).toBe(true);
    // Ratings from the chat page alone are worth exporting: they are preference records in the zip.
    const ratingsOnly = popupView(
      run({
        type: 'status',
        reply: { counts: { ...COUNTS, chats: 0, messages: 0, preferences: 2 }, dump: dump('idle') },
      }),
    );
    expect(ratingsOnly.exportButton.disabled).toBe(false);
    expect(ratingsOnly.counts).toBe('2 characters · 0 chats · 0 messages · 2 ratings');
    const one = popupView(
      run({
        type: 'status',
        reply: {
          counts: { characters: 1, chats: 1, messages: 1, captures: 1, preferences: 0 },
          dump: dump('idle'),
        },
      }),
    );
    expect(one.counts).toBe('1 character · 1 chat · 1 message');
  });

  it('turns the dump button into cancel while a dump runs, and shows its progress', () => {
    const state = run(
      { type: 'dump-requested' },
      { type: 'dump-answered', dump: dump('running', { progress: undefined }) },
    );
    expect(popupView(state).dumpButton).toEqual({ label: 'Cancel dump', action: 'cancel', disabled: false });
    expect(popupView(state).dumpLine).toBe('Dump starting…');
    const later = popupReducer(state, { type: 'status', reply: { counts: COUNTS, dump: dump('running') } });
    expect(popupView(later).dumpLine).toBe('Dumping: 1 of 3 chats, 7 pages');
  });

  it('disables the dump button while a start or cancel is on its way', () => {
    expect(popupView(run({ type: 'dump-requested' })).dumpButton.disabled).toBe(true);
  });

  it('says when the site asked to slow down, and how long the wait is', () => {
    const waiting = dump('running', { progress: progress({ phase: 'waiting', waitMs: 4_200, retries: 1 }) });
    expect(popupView(run({ type: 'status', reply: { counts: COUNTS, dump: waiting } })).dumpLine).toBe(
      'Dumping: 1 of 3 chats, 7 pages; the site asked to slow down, waiting 5 s',
    );
  });

  it('reports listing, a finished dump, a cancelled one and failed chats', () => {
    const line = (status: DumpStatus) =>
      popupView(run({ type: 'status', reply: { counts: COUNTS, dump: status } })).dumpLine;
    expect(line(dump('running', { progress: progress({ phase: 'listing', pages: 3 }) }))).toBe(
      'Listing your chats… 3 pages',
    );
    expect(line(dump('finished', { progress: progress({ chatsDone: 3, pages: 14 }) }))).toBe(
      'Dump finished: 3 of 3 chats, 14 pages.',
    );
    expect(line(dump('cancelled'))).toBe(
      'Dump cancelled after 1 of 3 chats, 7 pages; start it again to continue.',
    );
    expect(line(dump('finished', { progress: progress({ chatsDone: 2, chatsFailed: 1 }) }))).toBe(
      'Dump finished: 2 of 3 chats, 7 pages, 1 failed.',
    );
  });

  it('says which share of chats failed and that a new run retries only those', () => {
    const partial = dump('finished', {
      progress: progress({ chatsDone: 2, chatsFailed: 1, problem: '/turns/{id}/ answered HTTP 404' }),
    });
    expect(popupView(run({ type: 'status', reply: { counts: COUNTS, dump: partial } })).notices).toEqual([
      {
        tone: 'error',
        text: '1 chat could not be dumped (/turns/{id}/ answered HTTP 404). Start the dump again to retry only those.',
      },
    ]);
  });

  it('shows why a dump stopped, with the hint', () => {
    const failed = dump('failed', {
      error: {
        code: 'dump-failed',
        message: 'no character.ai tab is open',
        hint: 'Open character.ai in a tab, log in and open one of your chats, then start the dump again.',
        place: {},
      },
    });
    const view = popupView(run({ type: 'status', reply: { counts: COUNTS, dump: failed } }));
    expect(view.dumpButton.action).toBe('start');
    expect(view.notices).toEqual([
      {
        tone: 'error',
        text: 'The dump stopped: no character.ai tab is open. Open character.ai in a tab, log in and open one of your chats, then start the dump again.',
      },
    ]);
  });

  it('walks an export from working to saved, and shows a failure without losing the counts', () => {
    const status: PopupEvent = { type: 'status', reply: { counts: COUNTS, dump: dump('idle') } };
    const working = run(status, { type: 'export-started' });
    expect(popupView(working).exportButton).toEqual({ label: 'Exporting…', disabled: true });
    const done = popupReducer(working, {
      type: 'export-done',
      fileName: 'pygbox-export-2025-01-01.zip',
      chats: 3,
    });
    expect(popupView(done).notices).toEqual([
      { tone: 'info', text: 'Saved pygbox-export-2025-01-01.zip (3 chats).' },
    ]);
    expect(popupView(done).exportButton.disabled).toBe(false);
    const failed = popupReducer(working, {
      type: 'export-failed',
      error: { code: 'audit-failed', message: 'an identity was left in chat 2', place: {} },
    });
    expect(popupView(failed).notices).toEqual([
      { tone: 'error', text: 'Export failed: an identity was left in chat 2.' },
    ]);
    expect(popupView(failed).counts).toBe('2 characters · 3 chats · 210 messages');
  });

  it('shows a worker that does not answer, and clears it on the next good status', () => {
    const error = {
      code: 'message-invalid' as const,
      message: "the extension's background did not answer",
      place: {},
    };
    const broken = run({ type: 'status-failed', error });
    expect(popupView(broken).notices[0]?.tone).toBe('error');
    const healed = popupReducer(broken, { type: 'status', reply: { counts: COUNTS, dump: dump('idle') } });
    expect(popupView(healed).notices).toEqual([]);
  });
});
