/** "1 chat", "3 chats": counts shown to the user read as words. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
