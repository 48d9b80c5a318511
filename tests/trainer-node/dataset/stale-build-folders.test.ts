import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildFolderName,
  removeStaleBuildFolders,
} from '../../../trainer-node/dataset/stale-build-folders.ts';

describe('folders left by a killed build', () => {
  it('are removed when their process is gone, and left alone while it runs or when they are not ours', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'pygbox-stale-'));
    const out = join(parent, 'dataset');
    // A process that has exited: its pid names no live process.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const dead = join(parent, `.dataset.tmp-${deadPid}-0badc0de`);
    const live = buildFolderName(out, 'feedbeef');
    const other = join(parent, `.dataset-2.tmp-${deadPid}-0badc0de`);
    for (const folder of [dead, live, other]) {
      mkdirSync(folder);
      writeFileSync(join(folder, 'train-00000.ids.bin'), 'x');
    }
    expect(await removeStaleBuildFolders(out)).toBe(1);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
    expect(await removeStaleBuildFolders(join(parent, 'missing', 'dataset'))).toBe(0);
  });
});
