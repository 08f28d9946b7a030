import type { TestContact } from '../testing/test-contact.ts';
import type { StepRecord } from './step-recorder.ts';
import type { ChatItem, LogEntryView } from './view-types.ts';

/** Who a simulated user is: their WhatsApp id and name, and the business number they write to. */
export interface ContactSpec {
  key: string;
  waId: string;
  name: string;
  businessNumberId: string;
}

export type BotItem = Extract<ChatItem, { kind: 'bot' }>;
export type UserItem = Extract<ChatItem, { kind: 'user' }>;

/** One contact of a session: its TestContact and what the page shows of it. */
export interface Slot {
  spec: ContactSpec;
  contact: TestContact;
  chat: ChatItem[];
  /** The bot's messages by position (what bubble actions and inputs refer to). */
  botItems: BotItem[];
  lastStep?: StepRecord;
}

/** One entry of the session's event log, with the input of the journal it belongs to. */
export interface Entry {
  view: LogEntryView;
  inputIndex: number;
  replies: BotItem[];
}
