import { describe, expect, it } from 'vitest';
import { groupChatsByCharacter } from '../../../../shared/zip/character-groups.ts';
import { encodeDumperExport, toDumperExport } from '../../../../shared/zip/formats/dumper-format.ts';
import { ALL_CHATS, LIGHTHOUSE, ROBOT_CHEF, ROBOT_CHEF_AGAIN } from '../anon-chat-fixtures.ts';

describe('dumper format', () => {
  it('groups chats by their whole character record, in order of first appearance', () => {
    const groups = groupChatsByCharacter(ALL_CHATS);
    expect(groups.map((group) => group.chats)).toEqual([[ROBOT_CHEF, ROBOT_CHEF_AGAIN], [LIGHTHOUSE]]);
  });

  it('keeps same-named characters with different records apart', () => {
    const impostor = { ...LIGHTHOUSE, character: { name: 'Chef Sprocket' } };
    expect(groupChatsByCharacter([ROBOT_CHEF, impostor])).toHaveLength(2);
  });

  it('writes the {info, histories} shape with You and the character as speakers', () => {
    const [group] = groupChatsByCharacter([LIGHTHOUSE]);
    if (group === undefined) throw new Error('no group');
    expect(toDumperExport(group)).toEqual({
      info: {
        character: {
          name: 'Keeper Odo',
          title: '',
          description: 'Keeps the lamp lit.',
          greeting: '',
          definition: '{{char}}: Storm ahead.',
        },
      },
      histories: {
        histories: [
          {
            msgs: [
              { text: 'Is the lamp on?', is_alternative: false, src: { is_human: true, name: 'You' } },
              { text: 'Always.', is_alternative: false, src: { is_human: false, name: 'Keeper Odo' } },
              { text: 'Not yet.', is_alternative: true, src: { is_human: false, name: 'Keeper Odo' } },
              {
                text: 'Two bot turns in a row happen.',
                is_alternative: false,
                src: { is_human: false, name: 'Keeper Odo' },
              },
            ],
          },
        ],
      },
    });
  });

  it('puts every chat of a character in one file', () => {
    const [group] = groupChatsByCharacter(ALL_CHATS);
    if (group === undefined) throw new Error('no group');
    const parsed = JSON.parse(encodeDumperExport(group)) as ReturnType<typeof toDumperExport>;
    expect(parsed.histories.histories.map((history) => history.msgs.length)).toEqual([5, 1]);
  });
});
