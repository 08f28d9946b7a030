import { randomBytes, randomUUID } from 'node:crypto';
import { exchangeWithContact } from '../flows-endpoint/flow-exchange.ts';
import { FlowTokenIssuer } from '../flows-endpoint/flow-token.ts';
import type { InspectionEvent, StateValue } from 'xstate';
import { createFlowRegistry } from '../conversation/flow-registry.ts';
import { Runtime } from '../conversation/runtime.ts';
import { parseWebhook } from '../messages/parse-webhook.ts';
import { contactKey, emptyRecord } from '../store/contact-record.ts';
import { lowdbStore } from '../store/lowdb-store.ts';
import { memoryStore } from '../store/memory-store.ts';
import { CoverageRecorder, type CoverageReport } from './coverage.ts';
import { formatDuration, parseDuration, type Duration } from './duration.ts';
import { FakeClock } from './fake-clock.ts';
import { FlowFailures, type FlowErrorMode } from './flow-failures.ts';
import { recordingProvider, type RecordingProvider } from './recording-provider.ts';
import type { ObservedContact } from './observed-contact.ts';
import { statusEnvelope, webhookEnvelope, type MessageBody } from './simulated-messages.ts';
import type { ContactDriver } from './contact-driver.ts';
import { resolveFlow, servedNumber } from './test-bot-flows.ts';
import { TEST_DELIVERY, type TestBotOptions } from './test-bot-options.ts';
import { TestContact } from './test-contact.ts';
import { TestAgent, type AgentDriver } from './test-agent.ts';

export { TEST_BUSINESS_NUMBER, TEST_DELIVERY, type FlowSource, type TestBotOptions } from './test-bot-options.ts';

const DISPLAY_NUMBER = '15550783881';

interface RootSnapshot {
  value: StateValue;
  context: unknown;
  status: string;
  tags: Set<string>;
  machine: unknown;
}

/**
 * A bot under test: the production Runtime (parser, per-contact queue, store, reply sending, read
 * receipts) with a recording provider and a fake clock. Create contacts with `contact()`, move time
 * with `advance()`, read coverage with `coverage()`.
 */
export class TestBot {
  readonly runtime: Runtime;
  readonly clock: FakeClock;
  readonly provider: RecordingProvider;
  readonly coverageRecorder: CoverageRecorder;
  readonly businessNumberId: string;
  private readonly contacts = new Map<string, TestContact>();
  private readonly snapshots = new Map<string, RootSnapshot>();
  private messageCounter = 0;
  /** Distinguishes this bot's message ids from earlier runs on the same store (which de-duplicates by id). */
  private readonly runId = randomUUID().slice(0, 8);
  private readonly driver: ContactDriver;
  private readonly failures: FlowFailures;
  private readonly agentDriver: AgentDriver;

  private constructor(runtime: Runtime, clock: FakeClock, provider: RecordingProvider, coverage: CoverageRecorder, businessNumberId: string, flowErrors: FlowErrorMode) {
    this.runtime = runtime;
    this.clock = clock;
    this.provider = provider;
    this.coverageRecorder = coverage;
    this.businessNumberId = businessNumberId;
    this.failures = new FlowFailures(flowErrors);
    // What the provider received (Flow invitations carry their signed token there, stamped at send time).
    runtime.onReply((sent) => {
      const delivered = sent.messageId === undefined ? undefined : provider.sends.find((s) => s.messageId === sent.messageId);
      this.contacts.get(sent.key)?.recordReply(delivered ? { ...sent, message: delivered.message } : sent);
    });
    runtime.on('step', (report) => this.failures.record(report));
    this.driver = {
      sendMessage: (contact, body) => this.sendMessage(contact, body),
      sendStatus: async (contact, messageId, status, error) => {
        const envelope = statusEnvelope({
          businessNumberId: contact.businessNumberId,
          displayPhoneNumber: DISPLAY_NUMBER,
          waId: contact.waId,
          messageId,
          status,
          timestamp: this.clock.now(),
          ...(error ? { error } : {}),
        });
        await this.postWebhook(envelope);
      },
      notify: async (contact, event) => {
        await this.runtime.notify(contact.businessNumberId, contact.waId, event);
        await this.settle();
      },
      exchange: async (_contact, event) => {
        // No deadline with a fake clock: the step finishes when its services do (or time out on the service timeout).
        const outcome = await exchangeWithContact(this.runtime, event, 2 ** 31 - 1);
        await this.settle();
        return outcome;
      },
      load: async (contact) => (await this.runtime.inspect(contact.businessNumberId, contact.waId))?.record,
      machineFor: (number) => this.runtime.registry.forNumber(number).machine,
      lastSnapshot: (contact) => this.snapshots.get(contactKey(contact.businessNumberId, contact.waId)),
      readIds: () => this.provider.reads.map((r) => r.messageId),
      watch: (contact, action, work) => this.failures.watch(action, work, () => contact.transcript, contactKey(contact.businessNumberId, contact.waId)),
    };
    this.agentDriver = {
      message: async (contact, agent, messages) => {
        try {
          return await this.runtime.handovers.message(contact.businessNumberId, contact.waId, agent, messages);
        } finally {
          await this.settle();
        }
      },
      resolve: async (contact, agent) => {
        try {
          await this.runtime.handovers.resolve(contact.businessNumberId, contact.waId, agent);
        } finally {
          await this.settle();
        }
      },
    };
  }

  /** Starts a test bot (what `createTestBot` does): loads the flows, then runs them through the production runtime with a recording provider and a fake clock. */
  static async create(options: TestBotOptions): Promise<TestBot> {
    const sources = options.flows ?? (options.flow === undefined ? [] : [options.flow]);
    if (sources.length === 0 && !options.registry) throw new Error('createTestBot needs `flow` (a machine, defineFlow(...) or a file path) or `flows`');
    const registry = options.registry ?? createFlowRegistry(await Promise.all(sources.map(resolveFlow)), options.defaultFlow === undefined ? {} : { defaultFlow: options.defaultFlow });
    const flows = registry.flows;
    const clock = new FakeClock(options.startAt);
    const provider = recordingProvider();
    const coverage = options.coverage ?? new CoverageRecorder();
    for (const flow of flows) coverage.track(flow);
    const store = options.store ?? (options.dataDir ? await lowdbStore({ dir: options.dataDir, fsync: false }) : memoryStore());
    let bot: TestBot | undefined;
    const runtime = new Runtime({
      flows: registry,
      provider,
      store,
      clock,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.markRead === undefined ? {} : { markRead: options.markRead }),
      // Flow invitations with endpoint: true get signed tokens as in production (a key of this bot's own).
      delivery: { ...TEST_DELIVERY, flowTokens: new FlowTokenIssuer(randomBytes(32), () => clock.now()), ...options.delivery },
      inspect: (event) => {
        bot?.observe(event);
        options.inspect?.(event);
      },
      ...(options.microstepBudget === undefined ? {} : { microstepBudget: options.microstepBudget }),
      ...(options.serviceTimeoutMs === undefined ? {} : { serviceTimeoutMs: options.serviceTimeoutMs }),
    });
    bot = new TestBot(runtime, clock, provider, coverage, options.businessNumberId ?? servedNumber(registry, flows), options.flowErrors ?? 'reject');
    await runtime.start();
    return bot;
  }

  /** A simulated user (created on first use). `number` picks the business number they write to. */
  contact(waId: string, options: { name?: string; number?: string } = {}): TestContact {
    const number = options.number ?? this.businessNumberId;
    const key = contactKey(number, waId);
    let contact = this.contacts.get(key);
    if (!contact) {
      contact = new TestContact(this.driver, waId, number, options.name);
      this.contacts.set(key, contact);
    }
    return contact;
  }

  /**
   * A person who answers during hand-overs: `bot.agent('Sam').says(contact, 'Hi')`,
   * `bot.agent('Sam').resolves(contact)` (the contact must be in a state tagged `handover`).
   */
  agent(name: string): TestAgent {
    return new TestAgent(this.agentDriver, name);
  }

  /** Starts the contact's conversation over: its state, timers and history are forgotten. */
  async reset(contact: TestContact): Promise<void> {
    const key = contactKey(contact.businessNumberId, contact.waId);
    await this.runtime.idle();
    await this.runtime.store.save(emptyRecord(contact.businessNumberId, contact.waId));
    this.snapshots.delete(key);
    await contact.refresh();
  }

  /**
   * Moves the fake clock forward, firing due `after` timers in time order (as the runtime's real
   * scheduler would), and waits until every reply they cause is sent. Rejects with a FlowStepError
   * when a flow failed on one of those timers (unless `flowErrors: 'park'`).
   */
  async advance(duration: Duration): Promise<void> {
    const label = `wait: ${typeof duration === 'string' ? duration : formatDuration(parseDuration(duration))}`;
    for (const contact of this.contacts.values()) contact.recordWait(label);
    const transcripts = () => [...this.contacts.values()].map((c) => c.transcript).join('\n\n');
    await this.failures.watch(
      label,
      async () => {
        await this.clock.advance(duration, () => this.runtime.idle());
        await this.settle();
      },
      transcripts,
    );
  }

  /** States and transitions the conversations so far exercised, per flow. */
  coverage(): CoverageReport[] {
    return this.coverageRecorder.report();
  }

  /** Stops timers and closes the store. */
  async close(): Promise<void> {
    await this.runtime.close();
  }

  private observe(event: InspectionEvent): void {
    this.coverageRecorder.inspect(event);
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as Partial<RootSnapshot>;
    const input = (event.actorRef as { options?: { input?: { contact?: { waId?: string }; businessNumberId?: string } } }).options?.input;
    if (snapshot.value === undefined || snapshot.status === 'error' || !input?.contact?.waId || !input.businessNumberId) return;
    if (event.actorRef.sessionId !== event.rootId) return; // a child actor, not the contact's machine
    this.snapshots.set(contactKey(input.businessNumberId, input.contact.waId), snapshot as RootSnapshot);
  }

  private async sendMessage(contact: ObservedContact, body: MessageBody): Promise<string> {
    const messageId = `wamid.user.${this.runId}.${++this.messageCounter}`;
    const envelope = webhookEnvelope({
      businessNumberId: contact.businessNumberId,
      displayPhoneNumber: DISPLAY_NUMBER,
      waId: contact.waId,
      ...(contact.name === undefined ? {} : { name: contact.name }),
      messageId,
      timestamp: this.clock.now(),
      body,
    });
    await this.postWebhook(envelope);
    return messageId;
  }

  /** A webhook body goes through the production parser and runtime, as a POST /webhook would. */
  private async postWebhook(envelope: Record<string, unknown>): Promise<void> {
    await this.runtime.dispatch(parseWebhook(envelope));
    await this.settle();
  }

  /** Waits for queued work (including `bot.failed` steps it queued), then refreshes every contact's view. */
  private async settle(): Promise<void> {
    await this.runtime.idle();
    for (const contact of this.contacts.values()) await contact.refresh();
  }
}

/** Starts a bot under test. Close it when done (`await bot.close()`). */
export function createTestBot(options: TestBotOptions): Promise<TestBot> {
  return TestBot.create(options);
}
