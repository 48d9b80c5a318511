import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const manifestSchema = z.object({
  manifest_version: z.literal(3),
  name: z.string(),
  version: z.string(),
  host_permissions: z.array(z.string()),
  permissions: z.array(z.string()),
});

describe('manifest.json', () => {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync('manifest.json', 'utf8')));
  const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync('package.json', 'utf8')));

  it('is Manifest V3 with the package version', () => {
    expect(manifest.version).toBe(pkg.version);
  });

  it('asks only for the character.ai hosts and the fewest permissions', () => {
    for (const host of manifest.host_permissions)
      expect(host).toMatch(/^https:\/\/(\*\.)?character\.ai\/\*$/);
    expect([...manifest.permissions].sort()).toEqual(['downloads', 'storage', 'unlimitedStorage']);
  });
});
