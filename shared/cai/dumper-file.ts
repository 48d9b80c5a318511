import { z } from 'zod';
import type { AdaptedCaptures, CaptureProblem } from './adapted-captures.ts';
import { assembleCaptures } from './assemble-captures.ts';
import { characterFromInfo, characterInfoSchema } from './character-info-schema.ts';
import { legacyHistoriesBodySchema, legacyPageOfHistory } from './legacy-histories.ts';
import { schemaIssuePlace } from './schema-issue-place.ts';
import { optionalTextSchema } from './site-id-schema.ts';

/**
 * A whole file written by the original Pygmalion dumper (or CAI Tools' history dump):
 * `{info:{character}, histories:{histories:[…]}}`, or its definitions file
 * `{character, user__username?}`. The file is about one character, so every history in it is
 * linked to that character. Names it already redacted (`[USERNAME_REDACTED]`, …) are not
 * collected as identities.
 */
const dumperChatFileSchema = z.object({
  info: z.object({ character: characterInfoSchema }),
  histories: legacyHistoriesBodySchema,
});

const dumperDefinitionsFileSchema = z.object({
  character: characterInfoSchema,
  user__username: optionalTextSchema,
});

const DUMPER_ENDPOINT = 'dumper-file';

export function adaptDumperFile(json: unknown): AdaptedCaptures {
  const keys = topLevelKeys(json);
  if (keys.has('histories') || keys.has('info')) {
    const parsed = dumperChatFileSchema.safeParse(json);
    if (!parsed.success) return unreadable(describeIssue('dumper chat file', parsed.error));
    const character = characterFromInfo(parsed.data.info.character);
    return assembleCaptures(
      [
        {
          value: {
            characters: [character],
            legacyPages: parsed.data.histories.histories.map((history) =>
              legacyPageOfHistory(history, 'dumper', character.id),
            ),
          },
          capturedAt: '',
          recordIndex: 0,
        },
      ],
      [],
    );
  }
  if (keys.has('character')) {
    const parsed = dumperDefinitionsFileSchema.safeParse(json);
    if (!parsed.success) return unreadable(describeIssue('dumper definitions file', parsed.error));
    // The editor endpoint answered only for the user's own characters, so the file's top-level
    // `user__username` is the creator, most likely the user: keep it where the exporter drops it.
    const character = characterFromInfo({
      ...parsed.data.character,
      user__username: parsed.data.character.user__username ?? parsed.data.user__username,
    });
    return assembleCaptures([{ value: { characters: [character] }, capturedAt: '', recordIndex: 0 }], []);
  }
  return unreadable(
    'not a dumper file: expected {info, histories} (chats) or {character} (definitions) at the top level',
  );
}

function describeIssue(what: string, error: z.ZodError): string {
  const { field, code } = schemaIssuePlace(error);
  return `${what}: unexpected shape at ${field} (${code})`;
}

function unreadable(message: string): AdaptedCaptures {
  const problem: CaptureProblem = {
    recordIndex: 0,
    endpoint: DUMPER_ENDPOINT,
    kind: 'unknown-shape',
    message,
  };
  return { chats: [], characters: [], identities: [], problems: [problem], recordsUsed: 0 };
}

function topLevelKeys(json: unknown): Set<string> {
  const parsed = z.record(z.string(), z.unknown()).safeParse(json);
  return new Set(parsed.success ? Object.keys(parsed.data) : []);
}
