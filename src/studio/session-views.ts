import type { FlowRegistry } from '../conversation/flow-registry.ts';
import { CUSTOMER_SERVICE_WINDOW_MS, isWindowOpen } from '../delivery/window.ts';
import { renderSent } from '../testing/bot-message.ts';
import { activePaths } from '../testing/state-paths.ts';
import { graphIndex } from './graph-index.ts';
import type { Entry, Slot } from './session-slots.ts';
import type { ContactStateView, LogEntryView, TimerView } from './view-types.ts';

/** What the page shows of one contact at `now`: its state, the window, its chat (marking the current offer, statuses and read receipts on the bubbles). */
export function contactView(slot: Slot, registry: FlowRegistry, now: number): ContactStateView {
  const { contact, spec } = slot;
  const record = contact.record;
  let flow: string | undefined;
  try {
    flow = registry.forNumber(spec.businessNumberId).name;
  } catch {
    flow = undefined; // no flow serves this number any more (a routing change): the page says so
  }
  const offer = contact.offer();
  for (const item of slot.botItems) {
    item.current = offer !== undefined && contact.messages[item.index] === offer.message;
    const status = contact.statusOf(contact.messages[item.index]);
    if (status !== undefined) item.status = status;
  }
  const read = new Set(contact.readReceipts);
  for (const item of slot.chat) if (item.kind === 'user' && item.messageId) item.read = read.has(item.messageId);
  const lastInbound = record?.lastInboundAt;
  const graph = slot.lastStep ? graphIndex(slot.lastStep.machine) : undefined;
  return {
    key: spec.key,
    waId: spec.waId,
    name: spec.name,
    businessNumberId: spec.businessNumberId,
    ...(flow === undefined ? {} : { flow }),
    ...(contact.state === undefined ? {} : { state: contact.state }),
    activePaths: contact.stateValue === undefined ? [] : activePaths(contact.stateValue),
    lastTransitions: slot.lastStep && graph ? slot.lastStep.transitions.flatMap((t) => graph.byDefinition.get(t)?.key ?? []) : [],
    tags: contact.tags,
    done: contact.done,
    context: contact.context() ?? null,
    ...(lastInbound === undefined ? {} : { windowOpenUntil: lastInbound + CUSTOMER_SERVICE_WINDOW_MS }),
    windowOpen: isWindowOpen(lastInbound, now),
    chat: slot.chat.map((item) => ({ ...item })),
  };
}

/** Every contact's pending timers, soonest first, named by the `after` transition that waits for them. */
export function timerViews(slots: Iterable<Slot>, registry: FlowRegistry): TimerView[] {
  const timers: TimerView[] = [];
  for (const slot of slots) {
    let machine;
    try {
      machine = registry.forNumber(slot.spec.businessNumberId).machine;
    } catch {
      continue;
    }
    const index = graphIndex(machine);
    for (const timer of slot.contact.record?.timers ?? []) {
      const transition = index.byEvent.get(timer.event.type);
      timers.push({
        contact: slot.spec.key,
        contactName: slot.spec.name,
        label: transition?.label ?? timer.event.type,
        ...(transition?.source ? { state: transition.source } : {}),
        fireAt: timer.fireAt,
      });
    }
  }
  return timers.sort((a, b) => a.fireAt - b.fireAt);
}

/** A log entry as the page shows it, with the replies of its step as text. */
export function logView(entry: Entry): LogEntryView {
  return {
    ...entry.view,
    replies: entry.replies.map((item) => ({
      text: renderSent({ message: item.message }).join('\n').replace(/^bot: /, ''),
      ...(item.status ? { status: item.status } : {}),
      ...(item.error ? { error: `#${item.error.code} ${item.error.title}` } : {}),
    })),
  };
}
