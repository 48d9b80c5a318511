import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const USERSCRIPT_DIR = join(import.meta.dirname, '../../userscript');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('the userscript panel', () => {
  it('never turns text into markup: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    const offenders = sourceFiles(USERSCRIPT_DIR).filter((file) =>
      /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write\(|createContextualFragment/.test(
        readFileSync(file, 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
    expect(sourceFiles(USERSCRIPT_DIR).length).toBeGreaterThan(5);
  });
});
