import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { CATALOGUE_VERSION, Catalogue } from '../../../trainer-node/serve/catalogue.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A data folder whose catalogue file says it is `version`, with one table the test can look for. */
function folderWithCatalogue(version: number): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-catalogue-version-'));
  folders.push(dataDir);
  const db = new Database(join(dataDir, 'catalogue.sqlite'));
  db.exec('CREATE TABLE chats (key TEXT PRIMARY KEY, messages INTEGER NOT NULL)');
  db.pragma(`user_version = ${version}`);
  db.close();
  return dataDir;
}

function userVersion(dataDir: string): number {
  const db = new Database(join(dataDir, 'catalogue.sqlite'), { readonly: true });
  try {
    return Number(db.pragma('user_version', { simple: true }));
  } finally {
    db.close();
  }
}

describe('the catalogue version', () => {
  it('opens a new catalogue at this version', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-catalogue-version-'));
    folders.push(dataDir);
    Catalogue.open(dataDir).close();
    expect(userVersion(dataDir)).toBe(CATALOGUE_VERSION);
  });

  it.each([
    [CATALOGUE_VERSION - 1, /new --data folder/],
    [CATALOGUE_VERSION + 1, /update Pygbox/],
  ])('refuses a version %i catalogue with a hint, leaving the file as it was', (version, hint) => {
    const dataDir = folderWithCatalogue(version);
    for (const readonly of [false, true]) {
      const error = (() => {
        try {
          Catalogue.open(dataDir, { readonly });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(PygboxError);
      expect(error).toMatchObject({
        code: 'input-unreadable',
        place: { file: join(dataDir, 'catalogue.sqlite') },
      });
      expect((error as PygboxError).message).toContain(`version ${version}`);
      expect((error as PygboxError).hint).toMatch(hint);
    }
    expect(userVersion(dataDir)).toBe(version);
  });
});
