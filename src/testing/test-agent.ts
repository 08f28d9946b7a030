import { NotInHandoverError, type AgentMessageResult } from '../handover/handover-types.ts';
import { text } from '../messages/builders.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import { renderMessage } from './render-message.ts';
import type { TestContact } from './test-contact.ts';

/** What a TestAgent needs from its TestBot. */
export interface AgentDriver {
  /** `runtime.handovers.message`, then waits until the bot settled. */
  message(contact: TestContact, agent: string, messages: OutboundMessage[]): Promise<AgentMessageResult[]>;
  /** `runtime.handovers.resolve`, then waits until the bot settled. */
  resolve(contact: TestContact, agent: string): Promise<void>;
}

/** How an agent's message reads in a transcript: `agent Sam: Hi Cleo`. */
export function agentLine(agent: string, message: OutboundMessage): string {
  const [first = ''] = renderMessage(message);
  return `agent ${agent}: ${first.replace(/^bot: /, '')}`;
}

/**
 * A person answering during hand-overs (`bot.agent('Sam')`), through the same path as the agent API:
 * the contact's queue, the 24-hour window check, the outbox. Fails the test (with the conversation)
 * when the contact is not in a hand-over or a message is refused.
 */
export class TestAgent {
  /** @internal Made by `bot.agent(name)`. */
  constructor(
    private readonly driver: AgentDriver,
    /** The agent's name, as the flow sees it in `agent.message` and `agent.resolved`. */
    readonly name: string,
  ) {}

  /** The agent writes to the user: texts (strings) or any outbound messages, in order. */
  async says(contact: TestContact, ...messages: Array<string | OutboundMessage>): Promise<AgentMessageResult[]> {
    if (messages.length === 0) throw new Error(`agent ${this.name} says nothing: give at least one message`);
    const outbound = messages.map((m) => (typeof m === 'string' ? text(m) : m));
    for (const message of outbound) contact.recordAgentAction(agentLine(this.name, message));
    let results: AgentMessageResult[];
    try {
      results = await this.driver.message(contact, this.name, outbound);
    } catch (error) {
      if (error instanceof NotInHandoverError) contact.fail(`agent ${this.name} cannot write: ${error.message}`);
      throw error;
    }
    const refused = results.find((r) => r.error !== undefined && !r.willRetry);
    if (refused) contact.fail(`agent ${this.name}'s ${refused.type} message was not sent: #${refused.error?.code} ${refused.error?.title}`);
    return results;
  }

  /** The agent hands the conversation back to the bot (the machine gets `agent.resolved`). */
  async resolves(contact: TestContact): Promise<void> {
    contact.recordAgentAction(`agent ${this.name} resolves`);
    try {
      await this.driver.resolve(contact, this.name);
    } catch (error) {
      if (error instanceof NotInHandoverError) contact.fail(`agent ${this.name} cannot resolve: ${error.message}`);
      throw error;
    }
  }
}
