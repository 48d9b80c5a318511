import { DEFAULT_DUMP_HOSTS, type DumpHosts } from '../shared/dump/dump-api-urls.ts';
import { type DumpCursorStore, openDumpCursorStore } from '../shared/dump/dump-cursor-store.ts';
import type { DumpScope } from '../shared/dump/dump-scope.ts';
import { createSessionRequest } from '../shared/dump/session-request.ts';
import type { PygboxError } from '../shared/errors/pygbox-error.ts';
import { installCaptureHook } from '../shared/hook/install-capture-hook.ts';
import { openPygboxStore, type PygboxStore } from '../shared/store/pygbox-store.ts';
import { createCaptureSink } from './capture-sink.ts';
import { downloadBytes } from './download-bytes.ts';
import { createDumpRunner } from './dump-runner.ts';
import { exportPreviewSummary } from './export-preview-summary.ts';
import { type PageChatContext, pageChatContext } from './page-chat-context.ts';
import { pageIndexedDB } from './page-indexed-db.ts';
import { describeError } from './panel/describe-error.ts';
import { describeProgress } from './panel/describe-progress.ts';
import { type DumpButtonKind, mountPanel, type PanelView } from './panel/mount-panel.ts';
import { createReviewedExport } from './reviewed-export.ts';
import { createSessionTokenHolder } from './session-token-holder.ts';

/**
 * The userscript, wired: at document-start the hook goes onto the page's fetch and XHR before the
 * site's own code runs; the store opens on the first capture; the panel mounts once the document
 * exists. Everything stays in this origin's IndexedDB; only the audited export zip leaves, and only
 * when the user clicks.
 */
export function startPygbox(page: Window & typeof globalThis): void {
  const tokens = createSessionTokenHolder(page.document);
  let view: PanelView | undefined;
  const log = (error: PygboxError) => page.console.warn(`[pygbox] ${error.describe()}`);

  const store = once(async () => openPygboxStore({ indexedDB: pageIndexedDB(page) }));
  const cursors = once<DumpCursorStore>(async () => openDumpCursorStore({ indexedDB: pageIndexedDB(page) }));
  const withStore = async <T>(work: (opened: PygboxStore) => Promise<T>): Promise<T> => work(await store());

  const refreshCounts = throttle(page, 500, () => {
    withStore((opened) => opened.counts()).then(
      (counts) => view?.showCounts(counts),
      (error: unknown) => view?.showError(describeError(error)),
    );
  });
  const sink = createCaptureSink({
    save: (records) => withStore((opened) => opened.addCaptures(records)),
    onSaved: refreshCounts,
    onError: (error) => {
      log(error);
      view?.showError(describeError(error));
    },
  });
  const hook = installCaptureHook(page, {
    onCapture: sink.add,
    onError: log,
    onAuthorization: tokens.remember,
  });

  const pageFetch = hook.originalFetch ?? page.fetch;
  const runner = createDumpRunner({
    request: createSessionRequest({ fetch: pageFetch, authorization: tokens.current }),
    sink: (records) => withStore((opened) => opened.addCaptures(records)).finally(refreshCounts),
    cursors,
    onProgress: (progress) => view?.showProgress(describeProgress(progress)),
    onEnd: (error) => {
      if (error !== undefined) view?.showError(describeError(error));
      refreshDumpState();
    },
  });
  const context = (): PageChatContext => pageChatContext(page.location.href);
  const refreshDumpState = () => view?.showDumpState(runner.running(), context());

  const scopeFor = (kind: DumpButtonKind, here: PageChatContext): DumpScope | undefined => {
    if (kind === 'everything') return { kind: 'everything' };
    if (kind === 'character') {
      return here.characterId === undefined
        ? undefined
        : { kind: 'character', api: here.api, characterId: here.characterId };
    }
    return { kind: 'chat', api: here.api, characterId: here.characterId, chatId: here.chatId };
  };
  const hostsFor = (here: PageChatContext): DumpHosts =>
    here.api === 'legacy' ? { ...DEFAULT_DUMP_HOSTS, legacy: here.origin } : DEFAULT_DUMP_HOSTS;

  const reviewed = createReviewedExport(store);
  const preview = async () => {
    const [exportPreview, settings] = await Promise.all([
      reviewed.review(),
      store().then((opened) => opened.getSettings()),
    ]);
    // Superseded by a newer preview or a settings change: showing it would offer a stale export.
    if (exportPreview !== undefined) view?.showPreview(exportPreviewSummary(exportPreview, settings));
  };
  const exportAction = (work: () => Promise<void>) => () => {
    view?.showError(undefined);
    work().catch((error: unknown) => {
      view?.showExportStatus('');
      view?.showError(describeError(error));
    });
  };
  const addSetting = (field: 'userIdentities' | 'redactions', value: string) =>
    exportAction(async () => {
      const opened = await store();
      // The shown preview lacks the new word: nothing may be written until one that has it is shown.
      reviewed.forget();
      view?.disableExport();
      // Read and write in one transaction: another tab saving at the same moment cannot undo it.
      await opened.updateSettings((settings) => ({ ...settings, [field]: [...settings[field], value] }));
      await preview();
    })();

  whenDocumentReady(page.document, () => {
    view = mountPanel(page.document, {
      dump(kind) {
        const here = context();
        const scope = scopeFor(kind, here);
        if (scope === undefined) return;
        view?.showError(undefined);
        view?.showProgress('Starting…');
        runner.start(scope, hostsFor(here));
        refreshDumpState();
      },
      cancelDump: () => runner.cancel(),
      preview: exportAction(async () => {
        view?.showExportStatus('Anonymizing…');
        await preview();
        view?.showExportStatus(
          'This is exactly what the zip will hold. Add names or words above to replace more.',
        );
      }),
      addIdentity: (value) => addSetting('userIdentities', value),
      addRedaction: (value) => addSetting('redactions', value),
      download: (formats) =>
        exportAction(async () => {
          view?.showExportStatus('Writing the zip…');
          // Exactly the preview on screen; chats captured since wait for the next preview.
          const zip = await reviewed.write(formats);
          downloadBytes(page.document, zip.bytes, zip.fileName);
          view?.showExportStatus(
            `Saved ${zip.fileName}: ${zip.chats} chats as previewed, ${zip.identitiesRedacted} identities replaced. Chats saved after the preview go in the next export.`,
          );
        })(),
    });
    refreshDumpState();
    refreshCounts();
    // The site changes chats without reloading: keep the buttons true to the page shown.
    let shown = page.location.href;
    page.setInterval(() => {
      if (page.location.href === shown) return;
      shown = page.location.href;
      refreshDumpState();
    }, 1_000);
  });
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}

function throttle(page: Window, ms: number, work: () => void): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = page.setTimeout(() => {
      timer = undefined;
      work();
    }, ms);
  };
}

function whenDocumentReady(document: Document, ready: () => void): void {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', ready, { once: true });
  } else {
    ready();
  }
}
