/**
 * What the studio server sends the page (JSON). Kept free of Node types: the page's own tsconfig
 * (DOM, no Node) type-checks the same file.
 */
import type { OutboundMessage } from '../messages/outbound.ts';

/** One thing shown in a contact's chat, in order. */
export type ChatItem =
  | {
      kind: 'user';
      id: number;
      /** What the user sent, as a short readable line (`hi`, `Location: 52.52, 13.405 Berlin`). */
      text: string;
      /** The action kind (`text`, `tap`, `image`, …) for the bubble's styling. */
      verb: string;
      at: number;
      messageId?: string;
      /** The bot marked it read (blue ticks). */
      read: boolean;
      /** The bot's reaction to it, if any. */
      reaction?: string;
    }
  | {
      kind: 'bot';
      id: number;
      /** Position among the bot's messages to this contact (what bubble actions refer to). */
      index: number;
      message: OutboundMessage;
      at: number;
      messageId?: string;
      /** accepted → sent → delivered → read, or failed. */
      status?: string;
      /** Why it was not sent (e.g. the 24-hour window was closed: 131047). */
      error?: { code: number; title: string };
      /** The user's reaction to it, if any. */
      reaction?: string;
      /** Only the last interactive message's buttons, rows or form can be used. */
      current: boolean;
    }
  | { kind: 'notice'; id: number; level: 'info' | 'warn' | 'error'; text: string; at: number };

export interface TimerView {
  contact: string;
  contactName: string;
  /** What people read: `after idle (10m)` in `menu`. */
  label: string;
  state?: string;
  fireAt: number;
}

export interface ContactStateView {
  key: string;
  waId: string;
  name: string;
  businessNumberId: string;
  flow?: string;
  /** `menu`, `ticket.form`, parallel regions joined with ` + `; undefined before the first message. */
  state?: string;
  /** Every active state path, parents included (what the diagram highlights). */
  activePaths: string[];
  /** Keys of the transitions the last event took (the diagram marks them). */
  lastTransitions: string[];
  tags: string[];
  done: boolean;
  context: unknown;
  /** The 24-hour customer-service window: open until this time, closed when undefined or past. */
  windowOpenUntil?: number;
  windowOpen: boolean;
  chat: ChatItem[];
}

export interface ContextChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** One event of the log: what a machine received and what it did. */
export interface LogEntryView {
  id: number;
  contact?: string;
  contactName?: string;
  at: number;
  /** `user.text "hi"`, `after idle (10m)`, `status: read`, `wait 10m`. */
  title: string;
  event?: string;
  before?: string;
  after?: string;
  transitions: string[];
  contextChanges: ContextChange[];
  replies: Array<{ text: string; status?: string; error?: string }>;
  error?: string;
}

export interface FlowView {
  name: string;
  file?: string;
  numbers: string[];
  description?: string;
  /** Changes whenever the flow is reloaded; the page fetches the diagram again. */
  version: number;
}

export interface BusinessNumberView {
  id: string;
  flow: string;
  /** The number stands for every number no flow claims (the default flow). */
  fallback: boolean;
}

/** A flow file that could not be loaded: where, and why. */
export interface LoadErrorView {
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** A few lines of the file around `line`, numbered. */
  excerpt?: string[];
}

export interface NoticeView {
  id: number;
  level: 'info' | 'warn' | 'error';
  text: string;
}

export interface StudioView {
  version: number;
  flows: FlowView[];
  numbers: BusinessNumberView[];
  clock: { now: number; timers: TimerView[] };
  contacts: ContactStateView[];
  log: LogEntryView[];
  loadErrors: LoadErrorView[];
  notices: NoticeView[];
}

/** What the page may ask a contact to do (POST /api/contacts/:key/actions). */
export type ContactRequest =
  | { kind: 'action'; verb: string; argument: string; /** react: the bot message's index */ target?: number }
  | { kind: 'status'; target: number; status: 'delivered' | 'read' | 'failed' }
  | { kind: 'event'; event: { type: string } & Record<string, unknown> };

/** POST /api/clock. */
export type ClockRequest = { advance: 'next' } | { advance: number };

export interface SaveResult {
  file: string;
  passed: boolean;
  diff: string;
  /** Inputs a transcript cannot express, left out of the file. */
  skipped: string[];
}

/** Diagram geometry, computed on the server (elkjs), drawn by the page as SVG. */
export interface DiagramNode {
  path: string;
  name: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history' | 'initial' | 'note';
  x: number;
  y: number;
  width: number;
  height: number;
  tags: string[];
  /** Lines of a note (the transitions taken in any state). */
  lines?: Array<{ text: string; key: string }>;
}

export interface DiagramEdge {
  id: string;
  /** Transition key (`menu --user.button [guard]--> faq`); '' for the arrow to an initial state. */
  key: string;
  label: string;
  points: Array<{ x: number; y: number }>;
  labelBox?: { x: number; y: number; width: number; height: number };
}

export interface DiagramLayout {
  flow: string;
  version: number;
  width: number;
  height: number;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}
