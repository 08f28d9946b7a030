import type { Runtime } from '../conversation/runtime.ts';
import type { FlowAnswer } from '../conversation/screen.ts';
import type { FlowExchangeEvent } from '../messages/inbound-events.ts';
import { contactKey } from '../store/contact-record.ts';

/** What the contact's machine made of one `flow.exchange`. */
export type ExchangeOutcome =
  | { kind: 'answer'; answer: FlowAnswer }
  /** The step ran but nothing called screen()/closeFlow(): the conversation is not expecting this Flow. */
  | { kind: 'no-answer' }
  /** The machine threw (its contact keeps its last good state; nothing else is affected). */
  | { kind: 'failed'; error: unknown }
  /** No answer within the time limit (the contact's queue was busy, or a service was slow). */
  | { kind: 'timeout' };

/**
 * Delivers a `flow.exchange` to its contact's machine through the contact's queue (`runtime.notify`,
 * so it never interleaves with the contact's messages) and resolves with the step's answer as soon
 * as the step is saved (the runtime's `step` event), before its chat replies go out. Bounded by `timeoutMs`:
 * WhatsApp waits 10 seconds for the endpoint.
 */
export function exchangeWithContact(runtime: Runtime, event: FlowExchangeEvent, timeoutMs: number): Promise<ExchangeOutcome> {
  const key = contactKey(event.businessNumberId, event.contact.waId);
  return new Promise<ExchangeOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: ExchangeOutcome): void => {
      if (settled) return;
      settled = true;
      off();
      clearTimeout(timer);
      resolve(outcome);
    };
    const off = runtime.on('step', (step) => {
      if (step.key !== key || step.event.type !== 'flow.exchange' || (step.event as FlowExchangeEvent).exchangeId !== event.exchangeId) return;
      if (step.error !== undefined) return finish({ kind: 'failed', error: step.error });
      const answer = step.screens?.at(-1);
      finish(answer ? { kind: 'answer', answer } : { kind: 'no-answer' });
    });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    runtime.notify(event.businessNumberId, event.contact.waId, event).then(
      () => finish({ kind: 'no-answer' }), // only reached when no step result was seen
      (error: unknown) => finish({ kind: 'failed', error }),
    );
  });
}
