import '../../shared/zod-without-eval.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { openPygboxStore } from '../../shared/store/pygbox-store.ts';
import { checkUploadEndpoint } from '../../shared/upload/upload-endpoint.ts';
import { type CompatFormat, compatFormatSchema } from '../../shared/zip/export-manifest.ts';
import { readExtensionOptions, writeExtensionOptions } from '../settings/extension-options.ts';
import { byId } from './dom.ts';
import { redactionEditor } from './redaction-editor.ts';

const formatBoxes: Record<CompatFormat, HTMLInputElement> = {
  dumper: byId('format-dumper', HTMLInputElement),
  sillytavern: byId('format-sillytavern', HTMLInputElement),
};
const endpoint = byId('endpoint', HTMLInputElement);
const save = byId('save', HTMLButtonElement);
const status = byId('status', HTMLSpanElement);

async function load(): Promise<void> {
  const options = await readExtensionOptions();
  for (const format of compatFormatSchema.options)
    formatBoxes[format].checked = options.formats.includes(format);
  endpoint.value = options.uploadEndpoint;
}

save.addEventListener('click', async () => {
  try {
    const address = endpoint.value.trim();
    // Checked on save, so a mistyped address is told now rather than at upload time.
    if (address !== '') checkUploadEndpoint(address);
    const formats = compatFormatSchema.options.filter((format) => formatBoxes[format].checked);
    await writeExtensionOptions({ formats, uploadEndpoint: address });
    status.textContent = 'Saved.';
    status.className = 'muted';
  } catch (error) {
    status.textContent = error instanceof PygboxError ? error.describe() : 'Saving failed.';
    status.className = 'notice error';
  }
});

void load();
openPygboxStore().then(
  (store) => byId('redaction', HTMLDivElement).append(redactionEditor(store, () => undefined)),
  (error: unknown) => {
    byId('redaction', HTMLDivElement).textContent =
      error instanceof PygboxError ? error.describe() : 'The local store did not open.';
  },
);
