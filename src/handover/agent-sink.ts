import type { Provider } from '../providers/provider.ts';
import type { HandoverNotification, SinkState } from './handover-record.ts';

/** What a sink gets with each notification. */
export interface SinkContext {
  /** What the sink kept for this contact after its last delivery (undefined the first time). */
  state: SinkState | undefined;
  /** The contact's gateway (to download the user's media, for instance). */
  provider: Provider;
}

/**
 * A destination for hand-over notifications: the signed agent webhook, the Chatwoot connector, or
 * your own. chartbot delivers one contact's notifications to one sink in order, one at a time; a
 * delivery that throws is tried again later (backoff), the ones behind it wait.
 */
export interface AgentSink {
  /** Names the sink on contact records (`webhook`, `chatwoot`): keep it stable across releases. */
  readonly name: string;
  /**
   * Delivers one notification. Resolves with the sink's new state for this contact (saved on the
   * record), undefined to keep it, or null to forget it. Throws to be called again later.
   */
  deliver(notification: HandoverNotification, context: SinkContext): Promise<SinkState | null | undefined>;
  /** Releases connections when the runtime closes. */
  close?(): Promise<void>;
}
