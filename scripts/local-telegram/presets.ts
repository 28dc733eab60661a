/**
 * The people and chats the chat page offers out of the box: three users with different
 * languages, a group, and a forum supergroup with two topics. They exist for Telegram (and the
 * bot) only once someone writes in them, exactly like real chats.
 */
import type { ChatType, User } from "./types";

export interface PresetChat {
  chatId: number;
  type: ChatType;
  title: string;
  /** Forum topics: thread id → name. */
  topics?: { id: number; name: string }[];
  /** Who may type here (user ids). */
  members: number[];
}

export const PRESET_USERS: readonly User[] = [
  { id: 1001, is_bot: false, first_name: "Alice", username: "alice", language_code: "en" },
  { id: 1002, is_bot: false, first_name: "Boris", username: "boris", language_code: "de" },
  { id: 1003, is_bot: false, first_name: "Li", username: "li_wei", language_code: "zh" },
];

const everyone = PRESET_USERS.map((u) => u.id);

export const PRESET_CHATS: readonly PresetChat[] = [
  ...PRESET_USERS.map((u) => ({ chatId: u.id, type: "private" as const, title: u.first_name, members: [u.id] })),
  { chatId: -4001, type: "group", title: "Team", members: everyone },
  {
    chatId: -1001000000001,
    type: "supergroup",
    title: "Forum",
    topics: [
      { id: 2, name: "Ideas" },
      { id: 3, name: "Support" },
    ],
    members: everyone,
  },
];

/** The user that writes in a group when a test does not say who. */
export const DEFAULT_GROUP_USER_ID = 1001;

/** The chat type Telegram's id ranges imply: users positive, supergroups -100…, groups negative. */
export function inferChatType(chatId: number, forumTopicId: number | undefined): ChatType {
  if (chatId > 0) return "private";
  if (forumTopicId !== undefined || chatId <= -1_000_000_000_000) return "supergroup";
  return "group";
}
