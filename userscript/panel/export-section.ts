import type { CompatFormat } from '../../shared/zip/export-manifest.ts';
import { plural } from './describe-progress.ts';
import { button, h, setLines } from './dom.ts';

/** What the export preview shows: the anonymized text as it will leave, and who gets replaced. */
export interface ExportPreviewSummary {
  chats: number;
  messages: number;
  excluded: { chats: number; messages: number };
  /** The identity strings that will be replaced (shown here only, written nowhere). */
  identities: readonly string[];
  /** The user's own extra names and words, as saved. */
  userIdentities: readonly string[];
  redactions: readonly string[];
  /** The first anonymized messages, `role: text`, exactly as exported. */
  sample: readonly string[];
}

export interface ExportSectionActions {
  preview(): void;
  addIdentity(value: string): void;
  addRedaction(value: string): void;
  download(formats: CompatFormat[]): void;
}

export interface ExportSection {
  element: HTMLElement;
  showPreview(summary: ExportPreviewSummary): void;
  showStatus(text: string): void;
  disableExport(): void;
}

export function createExportSection(document: Document, actions: ExportSectionActions): ExportSection {
  const status = h(document, 'div', { className: 'muted', name: 'export-status' });
  const summary = h(document, 'div', { name: 'export-summary' });
  const identities = h(document, 'div', { className: 'identities', name: 'export-identities' });
  const sample = h(document, 'div', { className: 'preview', name: 'export-sample' });
  const extras = h(document, 'div', { className: 'muted', name: 'export-extras' });
  const details = h(document, 'div', { name: 'export-details' }, [summary, identities, extras, sample]);
  details.hidden = true;

  const entry = (placeholder: string, name: string, label: string, add: (value: string) => void) => {
    const input = h(document, 'input', { name: `${name}-input`, attributes: { type: 'text', placeholder } });
    const submit = () => {
      const value = input.value.trim();
      if (value === '') return;
      input.value = '';
      add(value);
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') submit();
    });
    return h(document, 'div', { className: 'row' }, [input, button(document, label, name, submit)]);
  };
  const format = (label: string, value: CompatFormat) => {
    const box = h(document, 'input', { attributes: { type: 'checkbox', value }, name: `format-${value}` });
    box.checked = true;
    return { box, value, label: h(document, 'label', {}, [box, document.createTextNode(` ${label}`)]) };
  };
  const dumper = format('old dumper format', 'dumper');
  const tavern = format('SillyTavern', 'sillytavern');

  // The zip can be written only after the user has seen what it will hold.
  const exportZip = button(document, 'Export zip', 'export-zip', () =>
    actions.download([dumper, tavern].filter((entry) => entry.box.checked).map((entry) => entry.value)),
  );
  exportZip.disabled = true;
  const element = h(document, 'section', { name: 'export' }, [
    h(document, 'div', { className: 'row' }, [
      button(document, 'Preview export', 'preview-export', actions.preview),
      exportZip,
    ]),
    h(document, 'div', { className: 'row muted' }, [dumper.label, tavern.label]),
    entry('another name of yours', 'add-identity', 'Replace name', actions.addIdentity),
    entry('a word to redact', 'add-redaction', 'Redact word', actions.addRedaction),
    details,
    status,
  ]);

  return {
    element,
    showPreview(preview) {
      details.hidden = false;
      exportZip.disabled = preview.chats === 0;
      summary.textContent =
        `${plural(preview.chats, 'chat')}, ${plural(preview.messages, 'message')} will be exported` +
        (preview.excluded.chats + preview.excluded.messages > 0
          ? ` (${preview.excluded.chats} chats and ${preview.excluded.messages} messages left out by you).`
          : '.');
      setLines(identities, [
        `Replaced with {{user}} (${preview.identities.length}):`,
        ...preview.identities.map((identity) => `  ${identity}`),
      ]);
      extras.textContent = `Your extra names: ${preview.userIdentities.join(', ') || 'none'}. Redacted words: ${preview.redactions.join(', ') || 'none'}.`;
      setLines(sample, preview.sample.length === 0 ? ['(nothing to export yet)'] : preview.sample);
    },
    showStatus(text) {
      status.textContent = text;
    },
    disableExport() {
      exportZip.disabled = true;
    },
  };
}
