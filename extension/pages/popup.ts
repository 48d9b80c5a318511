import '../../shared/zod-without-eval.ts';
import type { PygboxStore } from '../../shared/store/pygbox-store.ts';
import { openPygboxStore } from '../../shared/store/pygbox-store.ts';
import { toWireError } from '../messages/message-error.ts';
import { readExtensionOptions } from '../settings/extension-options.ts';
import { byId, h, replaceChildren } from './dom.ts';
import { buildExportZip, downloadZip } from './export-zip.ts';
import {
  INITIAL_POPUP_STATE,
  type PopupEvent,
  type PopupState,
  popupReducer,
  popupView,
} from './popup-state.ts';
import { askWorker } from './worker-client.ts';

/** How often the open popup asks the worker for counts and dump progress. */
const STATUS_EVERY_MS = 1_000;

const countsLine = byId('counts', HTMLParagraphElement);
const dumpButton = byId('dump', HTMLButtonElement);
const dumpLine = byId('dump-line', HTMLParagraphElement);
const exportButton = byId('export', HTMLButtonElement);
const notices = byId('notices', HTMLDivElement);

let state: PopupState = INITIAL_POPUP_STATE;
let store: Promise<PygboxStore> | undefined;

function dispatch(event: PopupEvent): void {
  state = popupReducer(state, event);
  render();
}

function render(): void {
  const view = popupView(state);
  countsLine.textContent = view.counts;
  dumpButton.textContent = view.dumpButton.label;
  dumpButton.disabled = view.dumpButton.disabled;
  dumpButton.dataset.action = view.dumpButton.action;
  dumpLine.textContent = view.dumpLine;
  exportButton.textContent = view.exportButton.label;
  exportButton.disabled = view.exportButton.disabled;
  replaceChildren(
    notices,
    ...view.notices.map((notice) => h('p', { class: `notice ${notice.tone}` }, notice.text)),
  );
}

async function refreshStatus(): Promise<void> {
  try {
    dispatch({ type: 'status', reply: await askWorker({ type: 'status' }) });
  } catch (error) {
    dispatch({ type: 'status-failed', error: toWireError(error) });
  }
}

dumpButton.addEventListener('click', async () => {
  const action = popupView(state).dumpButton.action;
  dispatch({ type: 'dump-requested' });
  try {
    const dump =
      action === 'start'
        ? await askWorker({ type: 'dump-start', scope: { kind: 'everything' } })
        : await askWorker({ type: 'dump-cancel' });
    dispatch({ type: 'dump-answered', dump });
  } catch (error) {
    dispatch({ type: 'dump-refused', error: toWireError(error) });
  }
});

exportButton.addEventListener('click', async () => {
  dispatch({ type: 'export-started' });
  try {
    store ??= openPygboxStore();
    const [opened, options] = await Promise.all([store, readExtensionOptions()]);
    const zip = await buildExportZip(opened, options.formats);
    await downloadZip(zip);
    dispatch({ type: 'export-done', fileName: zip.fileName, chats: zip.chats });
  } catch (error) {
    store = undefined;
    dispatch({ type: 'export-failed', error: toWireError(error) });
  }
});

render();
void refreshStatus();
setInterval(() => void refreshStatus(), STATUS_EVERY_MS);
