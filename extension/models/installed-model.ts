import type { ModelManifest } from '../../shared/model/model-manifest.ts';

export interface InstalledModel {
  /** sha256 hex of the pygbox-model.json bytes: the same export imported twice is one model. */
  id: string;
  manifest: ModelManifest;
  /** Sum of the files' bytes. */
  totalBytes: number;
  importedAt: string; // ISO time
  /** The model card (README.md) text if the export had one. */
  card: string | undefined;
}

export interface ImportProgress {
  phase: 'reading' | 'checking' | 'writing' | 'done';
  file?: string;
  doneBytes: number;
  totalBytes: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}
