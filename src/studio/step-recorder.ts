import type { AnyStateMachine, AnyTransitionDefinition, EventObject, InspectionEvent, StateValue } from 'xstate';
import { contactKey } from '../store/contact-record.ts';

/** One step of a contact's machine: the event it received and what it did with it. */
export interface StepRecord {
  contact: string;
  machine: AnyStateMachine;
  event: EventObject;
  before?: StateValue;
  beforeContext?: unknown;
  after?: StateValue;
  afterContext?: unknown;
  transitions: AnyTransitionDefinition[];
  error?: unknown;
  at: number;
}

interface Snapshotish {
  value?: StateValue;
  context?: unknown;
  status?: string;
  error?: unknown;
}

type ActorInput = { contact?: { waId?: string }; businessNumberId?: string };

const LIFECYCLE = new Set(['xstate.init', 'xstate.stop']);

/**
 * Turns xstate's inspection events into step records. The runtime runs each event in an actor
 * restored for that step only: its `xstate.init` snapshot is the state before, the event and its
 * microsteps follow, and `xstate.stop` ends the step.
 */
export class StepRecorder {
  private readonly open = new Map<string, Partial<StepRecord> & { contact: string; machine: AnyStateMachine; transitions: AnyTransitionDefinition[] }>();

  constructor(
    private readonly onStep: (step: StepRecord) => void,
    private readonly now: () => number,
  ) {}

  readonly inspect = (event: InspectionEvent): void => {
    const actor = event.actorRef;
    if (actor.sessionId !== event.rootId) return; // invoked or spawned children: their parent's step covers them
    if (event.type === '@xstate.actor') {
      const input = (actor as { options?: { input?: ActorInput } }).options?.input;
      if (!input?.contact?.waId || !input.businessNumberId) return;
      const machine = (actor as unknown as { logic: AnyStateMachine }).logic;
      const contact = contactKey(input.businessNumberId, input.contact.waId);
      // A step whose actor failed never stops: it ends when the contact's next step begins.
      for (const [id, step] of this.open) if (step.contact === contact) this.finish(id);
      this.open.set(actor.sessionId, { contact, machine, transitions: [] });
      return;
    }
    const step = this.open.get(actor.sessionId);
    if (!step) return;
    if (event.type === '@xstate.event') {
      if (!LIFECYCLE.has(event.event.type)) step.event ??= event.event;
    } else if (event.type === '@xstate.microstep') {
      step.transitions.push(...event._transitions);
    } else if (event.type === '@xstate.snapshot') {
      const snapshot = event.snapshot as Snapshotish;
      const cause = event.event.type;
      if (cause === 'xstate.init') {
        step.before = snapshot.value;
        step.beforeContext = snapshot.context;
      } else if (cause === 'xstate.stop') {
        this.finish(actor.sessionId);
      } else {
        step.after = snapshot.value;
        step.afterContext = snapshot.context;
        if (snapshot.status === 'error') {
          step.error = snapshot.error;
          this.finish(actor.sessionId);
        }
      }
    }
  };

  /**
   * Ends the steps still open: an actor whose action threw errors without a last snapshot (the
   * step then has no `after`, and the runtime logged why).
   */
  flush(): void {
    for (const id of [...this.open.keys()]) this.finish(id);
  }

  private finish(sessionId: string): void {
    const step = this.open.get(sessionId);
    this.open.delete(sessionId);
    if (!step?.event) return; // restored and stopped without an event (e.g. a failed restore)
    this.onStep({ ...step, event: step.event, at: this.now() } as StepRecord);
  }
}
