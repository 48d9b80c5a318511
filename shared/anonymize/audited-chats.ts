import type { AnonChat } from '../chat/anon-chat.ts';

declare const auditedBrand: unique symbol;

/**
 * Chats that passed the audit. The zip writer takes only this type, so an export cannot skip the
 * audit; `sealAudited` is called by `audit.ts` alone (the boundaries test enforces it).
 */
export interface AuditedChats {
  readonly chats: readonly AnonChat[];
  readonly [auditedBrand]: true;
}

export function sealAudited(chats: readonly AnonChat[]): AuditedChats {
  return { chats } as AuditedChats;
}
