import { z } from 'zod';
import { identityOf } from '../chat/identities.ts';
import { defineAdapter } from './cai-adapter.ts';
import { optionalTextSchema } from './site-id-schema.ts';

/**
 * Legacy `GET …/chat/personas/?force_refresh=1` → `{personas:[{title, definition, …}]}`. A persona's
 * title is the name the user plays under, so bots address the user by it.
 */
export const legacyPersonasAdapter = defineAdapter(
  'legacy personas',
  z.object({ personas: z.array(z.object({ title: optionalTextSchema })) }),
  (body) => ({ identities: body.personas.flatMap((persona) => identityOf('persona-name', persona.title)) }),
);
