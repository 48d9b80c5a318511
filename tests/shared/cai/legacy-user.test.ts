import { describe, expect, it } from 'vitest';
import { legacyUserAdapter } from '../../../shared/cai/legacy-user.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';
import { LEGACY } from '../../fixtures/cai/legacy-builders.ts';

describe('legacyUserAdapter', () => {
  it('gives every name of the account as an account-level identity', () => {
    const body = {
      user: {
        name: 'Mira Q.',
        is_human: true,
        user: {
          id: 5150,
          username: 'mira_quillfeather',
          first_name: 'Mirabel',
          account: { name: 'Mirabel Quill', avatar_file_name: 'uploaded/2023/mira.webp' },
        },
      },
    };
    const record = captureRecord(`${LEGACY}/chat/user/`, body);
    const outcome = legacyUserAdapter.adapt(record, new URL(record.url));
    expect(outcome.ok && outcome.yield.identities).toEqual([
      { kind: 'username', value: 'mira_quillfeather' },
      { kind: 'first-name', value: 'Mirabel' },
      { kind: 'display-name', value: 'Mira Q.' },
      { kind: 'account-name', value: 'Mirabel Quill' },
      { kind: 'user-id', value: '5150' },
    ]);
  });

  it('takes the local part of the account email as a username-like identity', () => {
    const record = captureRecord(`${LEGACY}/chat/user/`, {
      user: { user: { id: 8, username: 'mira_q', email: 'sparkle.kitty99@example.com' } },
    });
    const outcome = legacyUserAdapter.adapt(record, new URL(record.url));
    expect(outcome.ok && outcome.yield.identities).toContainEqual({
      kind: 'username',
      value: 'sparkle.kitty99',
    });
  });

  it('skips empty fields and a missing account', () => {
    const record = captureRecord(`${LEGACY}/chat/user/`, {
      user: { user: { id: 7, username: '', first_name: null } },
    });
    const outcome = legacyUserAdapter.adapt(record, new URL(record.url));
    expect(outcome.ok && outcome.yield.identities).toEqual([{ kind: 'user-id', value: '7' }]);
  });

  it('reports a body without the nested user as unknown-shape', () => {
    const record = captureRecord(`${LEGACY}/chat/user/`, { user: { username: 'someone' } });
    const outcome = legacyUserAdapter.adapt(record, new URL(record.url));
    expect(outcome).toMatchObject({ ok: false, kind: 'unknown-shape' });
    expect(!outcome.ok && outcome.message).toContain('user.user');
    expect(!outcome.ok && outcome.message).not.toContain('someone');
  });
});
