import { describe, expect, it } from 'vitest';
import { legacyPersonasAdapter } from '../../../shared/cai/legacy-personas.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';
import { LEGACY } from '../../fixtures/cai/legacy-builders.ts';

describe('legacyPersonasAdapter', () => {
  it('gives each persona title as a persona-name identity, skipping empty ones', () => {
    const body = {
      personas: [
        { title: 'Captain Mirabelle', definition: 'A sky pirate.', avatar_file_name: '' },
        { title: '', definition: 'untitled' },
        { title: 'Night Owl', definition: '' },
      ],
    };
    const record = captureRecord(`${LEGACY}/chat/personas/?force_refresh=1`, body);
    const outcome = legacyPersonasAdapter.adapt(record, new URL(record.url));
    expect(outcome.ok && outcome.yield.identities).toEqual([
      { kind: 'persona-name', value: 'Captain Mirabelle' },
      { kind: 'persona-name', value: 'Night Owl' },
    ]);
  });

  it('reports a body without personas as unknown-shape', () => {
    const record = captureRecord(`${LEGACY}/chat/personas/`, { persona_list: [] });
    expect(legacyPersonasAdapter.adapt(record, new URL(record.url))).toMatchObject({
      ok: false,
      kind: 'unknown-shape',
    });
  });
});
