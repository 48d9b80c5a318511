import { type LoadedRunConfig, settingEntries } from './read-run-config.ts';

/**
 * Every setting of the run, one a line, those the YAML left out marked `(default)`: what the run
 * will do is on screen before it starts, and nothing is decided out of sight.
 */
export function formatRunConfig(loaded: LoadedRunConfig): string {
  const entries = settingEntries(loaded.config);
  const width = Math.max(...entries.map(([key]) => key.length));
  const lines = entries.map(([key, value]) => {
    const mark = loaded.fromDefaults.has(key) ? '  (default)' : '';
    return `  ${key.padEnd(width)}  ${formatValue(value)}${mark}`;
  });
  return [`settings from ${loaded.file}:`, ...lines].join('\n');
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
