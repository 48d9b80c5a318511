import type { AuditedChats } from '../../../shared/anonymize/audited-chats.ts';
import { sealAudited } from '../../../shared/anonymize/audited-chats.ts';
import type { AnonChat } from '../../../shared/chat/anon-chat.ts';

/** Invented chats for the zip tests: every name and line is made up. */
export const ROBOT_CHEF: AnonChat = {
  key: '0123456789abcdef0123456789abcdef',
  source: 'neo',
  character: { name: 'Chef Sprocket', title: 'A robot who bakes', greeting: 'Welcome to my kitchen!' },
  day: '2024-03-05',
  messages: [
    { role: 'char', text: 'Welcome to my kitchen!', swipes: [], day: '2024-03-05' },
    { role: 'user', text: 'Hi, I am {{user}}. What is for dinner?', swipes: [], day: '2024-03-05' },
    { role: 'char', text: 'Bolt soup.', swipes: ['Gear pie.', 'Oil tea.'], day: '2024-03-06' },
  ],
};

export const ROBOT_CHEF_AGAIN: AnonChat = {
  key: 'fedcba9876543210fedcba9876543210',
  source: 'neo',
  character: { name: 'Chef Sprocket', title: 'A robot who bakes', greeting: 'Welcome to my kitchen!' },
  messages: [{ role: 'user', text: 'Another day, {{char}}.', swipes: [] }],
};

export const LIGHTHOUSE: AnonChat = {
  key: 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb',
  source: 'legacy',
  character: { name: 'Keeper Odo', description: 'Keeps the lamp lit.', definition: '{{char}}: Storm ahead.' },
  day: '2023-11-20',
  messages: [
    { role: 'user', text: 'Is the lamp on?', swipes: [] },
    { role: 'char', text: 'Always.', swipes: ['Not yet.'] },
    { role: 'char', text: 'Two bot turns in a row happen.', swipes: [] },
  ],
};

export const ALL_CHATS: readonly AnonChat[] = [ROBOT_CHEF, LIGHTHOUSE, ROBOT_CHEF_AGAIN];

export function audited(chats: readonly AnonChat[] = ALL_CHATS): AuditedChats {
  return sealAudited(chats);
}

export const WRITE_OPTIONS = {
  anonymizerVersion: 'anon-test-1',
  toolVersion: '0.1.0',
  createdDay: '2024-06-01',
} as const;
