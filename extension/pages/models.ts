import '../../shared/zod-without-eval.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { ParityFigures } from '../../shared/model/model-manifest.ts';
import { formatBytes } from '../models/format-bytes.ts';
import {
  deleteInstalledModel,
  type ImportProgress,
  type InstalledModel,
  importModelFolder,
  importModelZip,
  listInstalledModels,
} from '../models/model-library.ts';
import { byId, h, replaceChildren } from './dom.ts';

const fileInput = byId('model-file', HTMLInputElement);
const folderInput = byId('model-folder', HTMLInputElement);
const importStatus = byId('import-status', HTMLDivElement);
const storageLine = byId('storage-line', HTMLParagraphElement);
const modelsList = byId('models', HTMLDivElement);

function showError(error: unknown, what: string): void {
  const text =
    error instanceof PygboxError
      ? error.describe()
      : `${what} failed unexpectedly. Reload the page and try again.`;
  replaceChildren(importStatus, h('p', { class: 'notice error' }, text));
}

function progressText(progress: ImportProgress): string {
  const share = progress.totalBytes === 0 ? 0 : Math.floor((100 * progress.doneBytes) / progress.totalBytes);
  switch (progress.phase) {
    case 'reading':
      return 'Reading the model…';
    case 'checking':
      return `Checking ${formatBytes(progress.totalBytes)} of model files…`;
    case 'writing':
      return `Checking and storing ${progress.file ?? ''}: ${share}% (${formatBytes(progress.doneBytes)} of ${formatBytes(progress.totalBytes)})`;
    case 'done':
      return 'Stored.';
  }
}

async function runImport(
  start: (onProgress: (progress: ImportProgress) => void) => Promise<InstalledModel>,
): Promise<void> {
  fileInput.disabled = true;
  folderInput.disabled = true;
  // Leaving mid-import loses the work done so far (the partial copy is removed on the next visit).
  const warnOnLeave = (event: BeforeUnloadEvent) => event.preventDefault();
  window.addEventListener('beforeunload', warnOnLeave);
  const line = h('p', { class: 'progress' }, 'Reading the model…');
  replaceChildren(importStatus, line);
  try {
    const model = await start((progress) => {
      line.textContent = progressText(progress);
    });
    // Asked once a model is in: a persistent origin is not evicted when the disk runs low.
    await navigator.storage.persist().catch(() => false);
    // The list first, then the word: when "Imported" shows, the model is on the page.
    await refresh();
    replaceChildren(
      importStatus,
      h('p', { class: 'progress', 'data-imported': model.id }, `Imported ${model.manifest.name}.`),
    );
  } catch (error) {
    showError(error, 'The import');
    await refresh();
  } finally {
    window.removeEventListener('beforeunload', warnOnLeave);
    fileInput.disabled = false;
    folderInput.disabled = false;
    fileInput.value = '';
    folderInput.value = '';
  }
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file !== undefined) void runImport((onProgress) => importModelZip(file, { onProgress }));
});

folderInput.addEventListener('change', () => {
  const files = [...(folderInput.files ?? [])];
  if (files.length > 0) void runImport((onProgress) => importModelFolder(files, { onProgress }));
});

const percent = (share: number): string => `${(100 * share).toFixed(1)}%`;

function parityTable(parity: ParityFigures): HTMLTableElement {
  const { fp32 } = parity;
  return h(
    'table',
    { class: 'parity' },
    h(
      'caption',
      {},
      'Parity with the trained model',
      parity.eval_source === null ? '' : ` (eval: ${parity.eval_source})`,
    ),
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'dtype'), h('th', {}, 'measure'), h('th', {}, 'value'), h('th', {}, 'gate')),
    ),
    h(
      'tbody',
      {},
      h(
        'tr',
        { 'data-dtype': 'fp32' },
        h('td', {}, 'fp32'),
        h('td', {}, 'max |logit diff| (no cache / cache)'),
        h(
          'td',
          {},
          `${fp32.max_logit_diff_no_cache.toExponential(1)} / ${fp32.max_logit_diff_with_cache.toExponential(1)}`,
        ),
        h(
          'td',
          {},
          `≤ ${fp32.threshold}; greedy ${fp32.greedy_identical ? 'identical' : 'differs'} over ${fp32.greedy_tokens} tokens`,
        ),
      ),
      ...parity.quantized.flatMap((row) => [
        h(
          'tr',
          { 'data-dtype': row.dtype },
          h('td', {}, row.dtype),
          h('td', {}, 'perplexity change'),
          h(
            'td',
            {},
            `${row.perplexity_increase_pct >= 0 ? '+' : ''}${row.perplexity_increase_pct.toFixed(2)}%`,
          ),
          h('td', {}, `≤ ${row.max_perplexity_increase_pct}%`),
        ),
        h(
          'tr',
          { 'data-dtype': row.dtype },
          h('td', {}, row.dtype),
          h('td', {}, 'top-1 agreement'),
          h('td', {}, percent(row.top1_agreement)),
          h('td', {}, `≥ ${percent(row.min_top1_agreement)} over ${row.positions} positions`),
        ),
      ]),
    ),
  );
}

function modelItem(model: InstalledModel): HTMLElement {
  const { manifest } = model;
  const remove = h('button', { type: 'button', class: 'delete-model danger' }, 'Delete');
  remove.addEventListener('click', async () => {
    if (!window.confirm(`Delete the model "${manifest.name}" from this browser? Chats made with it stay.`))
      return;
    remove.disabled = true;
    try {
      await deleteInstalledModel(model.id);
      replaceChildren(importStatus, h('p', { class: 'progress' }, `Deleted ${manifest.name}.`));
    } catch (error) {
      showError(error, 'Deleting');
    }
    await refresh();
  });
  const facts: [string, string][] = [
    ['Base model', manifest.base_model ?? 'unknown'],
    ['Size', formatBytes(model.totalBytes)],
    ['Dtypes', manifest.dtypes.join(', ')],
    ['Steps', manifest.steps === null ? 'unknown' : String(manifest.steps)],
    [
      'Prompt format',
      manifest.prompt_format_version === null ? 'unknown' : `version ${manifest.prompt_format_version}`,
    ],
    // Stored in UTC; shown as such, or a user west of Greenwich reads a time in their future.
    ['Imported', `${model.importedAt.slice(0, 16).replace('T', ' ')} UTC`],
    ['Id', `${model.id.slice(0, 12)}…`],
  ];
  return h(
    'article',
    { class: 'model', 'data-model-id': model.id },
    h(
      'header',
      {},
      h('span', { class: 'model-name' }, manifest.name),
      h(
        'a',
        {
          class: 'chat-with-model',
          href: `./chat.html?model=${encodeURIComponent(model.id)}`,
          target: '_blank',
        },
        'Chat with it',
      ),
      remove,
    ),
    h(
      'dl',
      { class: 'model-facts' },
      ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    ),
    parityTable(manifest.parity),
    model.card === undefined
      ? undefined
      : h('details', { class: 'model-card' }, h('summary', {}, 'Model card'), h('pre', {}, model.card)),
  );
}

async function showStorage(): Promise<void> {
  const { usage, quota } = await navigator.storage.estimate();
  storageLine.textContent =
    usage === undefined || quota === undefined
      ? 'The browser does not report how much storage is used.'
      : `Storage used by the extension: ${formatBytes(usage)} of ${formatBytes(quota)} available.`;
}

async function refresh(): Promise<void> {
  try {
    const models = await listInstalledModels();
    replaceChildren(
      modelsList,
      ...(models.length === 0
        ? [h('p', { class: 'muted empty' }, 'No model yet: import one above.')]
        : models.map(modelItem)),
    );
  } catch (error) {
    replaceChildren(modelsList);
    showError(error, 'Reading the installed models');
  }
  await showStorage().catch(() => undefined);
}

void refresh();
