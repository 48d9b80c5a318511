import { z } from 'zod';
import { PROMPT_FORMAT_VERSION } from '../prompt/prompt-format.ts';
import type { LocalChat, LocalSwipe } from './local-chat.ts';

/**
 * What the user's choices on one char message say about the replies: which one they preferred
 * (`chosen`) over which ones (`rejected`), all answering the same prompt text. Kept in the local
 * database's `preferences` store, exported anonymized as `preferences.jsonl`, for a later DPO or
 * reward-model step.
 */
export const preferenceRecordSchema = z.strictObject({
  /** `${chatId}/${messageId}` */
  id: z.string(),
  chatId: z.string(),
  messageId: z.string(),
  characterName: z.string(),
  promptFormatVersion: z.number().int().min(1),
  /** The prompt text the chosen/rated replies answered. */
  prompt: z.string(),
  chosen: z
    .strictObject({ text: z.string(), modelId: z.string(), via: z.enum(['kept', 'rated-up']) })
    .nullable(),
  rejected: z.array(
    z.strictObject({ text: z.string(), modelId: z.string(), via: z.enum(['swiped-away', 'rated-down']) }),
  ),
  /** modelId -> the model's manifest name at the time, for the models that wrote chosen/rejected. */
  modelNames: z.record(z.string(), z.string()),
  updatedAt: z.string(),
});
export type PreferenceRecord = z.infer<typeof preferenceRecordSchema>;

/** A swipe a model wrote for a known prompt: the only kind a preference can compare. */
type GeneratedSwipe = LocalSwipe & { modelId: string; prompt: string };

function isGenerated(swipe: LocalSwipe): swipe is GeneratedSwipe {
  return swipe.modelId !== null && swipe.prompt !== null;
}

/**
 * The preference record the char message at `index` yields, or undefined when it says nothing.
 * Pure: the same chat gives the same record. The rules:
 *
 * - A swipe is **kept** when it is the selected one and a later message follows it (the user went on
 *   from it), unless the user rated it down.
 * - **chosen** is the kept swipe (`via: 'kept'`), else the last swipe rated up (`via: 'rated-up'`),
 *   else none.
 * - **rejected** are the swipes rated down (`'rated-down'`) and, when a swipe was kept, the other
 *   swipes not rated up (`'swiped-away'`: the user saw them and moved on to another one).
 * - Only swipes that answered the same prompt text are compared: the chosen one's prompt, or without
 *   a chosen one the first rated swipe's. A swipe made after an edit further up answered another
 *   prompt and is left out. Greetings and user text (no model, no prompt) are never compared.
 * - Nothing to say (no rating, and no kept swipe among more than one) gives undefined. A kept reply
 *   the user edited counts with its edited text: it is what they wanted the character to say.
 */
export function preferenceFromMessage(
  chat: LocalChat,
  index: number,
  characterName: string,
  modelNames: Record<string, string>,
  now: string,
): PreferenceRecord | undefined {
  const message = chat.messages[index];
  if (message === undefined || message.role !== 'char') return undefined;
  const followed = index < chat.messages.length - 1;
  const selected = message.swipes[message.selected];
  const kept =
    followed && selected !== undefined && isGenerated(selected) && selected.rating !== 'down'
      ? selected
      : undefined;
  const generated = message.swipes.filter(isGenerated);
  const ratedUp = generated.filter((swipe) => swipe.rating === 'up');
  const chosenSwipe = kept ?? ratedUp.at(-1);
  const prompt = chosenSwipe?.prompt ?? generated.find((swipe) => swipe.rating !== null)?.prompt;
  if (prompt === undefined) return undefined;

  const rejected: PreferenceRecord['rejected'] = [];
  for (const swipe of generated) {
    if (swipe === chosenSwipe || swipe.prompt !== prompt) continue;
    if (swipe.rating === 'down')
      rejected.push({ text: swipe.text, modelId: swipe.modelId, via: 'rated-down' });
    else if (kept !== undefined && swipe.rating !== 'up') {
      rejected.push({ text: swipe.text, modelId: swipe.modelId, via: 'swiped-away' });
    }
  }
  // A kept reply alone, never rated, compares with nothing.
  if (chosenSwipe === kept && kept?.rating !== 'up' && rejected.length === 0) return undefined;

  const chosen =
    chosenSwipe === undefined
      ? null
      : ({
          text: chosenSwipe.text,
          modelId: chosenSwipe.modelId,
          via: chosenSwipe === kept ? 'kept' : 'rated-up',
        } as const);
  const usedModels = new Set([
    ...(chosen === null ? [] : [chosen.modelId]),
    ...rejected.map((r) => r.modelId),
  ]);
  const names: Record<string, string> = {};
  for (const modelId of [...usedModels].sort()) {
    const name = modelNames[modelId];
    if (name !== undefined) names[modelId] = name;
  }
  return {
    id: `${chat.id}/${message.id}`,
    chatId: chat.id,
    messageId: message.id,
    characterName,
    promptFormatVersion: PROMPT_FORMAT_VERSION,
    prompt,
    chosen,
    rejected,
    modelNames: names,
    updatedAt: now,
  };
}
