import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { describeFlow, parseTranscript, runTranscript, toDot, toMermaid, TranscriptSyntaxError } from 'chartbot/testing';
import { supportMachine } from '../../flows/support.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';

const temp = tempDirForFile('chartbot-agent-transcripts-');
const base = { WHATSAPP_TOKEN: 'token', WHATSAPP_APP_SECRET: 's' };
const chatwoot = {
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_API_TOKEN: 'api',
  CHATWOOT_ACCOUNT_ID: '3',
  CHATWOOT_INBOX_ID: '12',
  CHATWOOT_WEBHOOK_TOKEN: 'a-long-enough-webhook-token',
};

describe('hand-over configuration', () => {
  it('reads the agent webhook and the Chatwoot connector from the environment', () => {
    const config = loadConfig({ ...base, CHARTBOT_AGENT_WEBHOOK_URL: 'https://agents.example.com/hook', CHARTBOT_AGENT_WEBHOOK_SECRET: 'sig', ...chatwoot });
    expect(config.agentWebhook).toEqual({ url: 'https://agents.example.com/hook', secret: 'sig' });
    expect(config.chatwoot).toEqual({ url: 'https://chat.example.com', apiToken: 'api', accountId: 3, inboxId: 12, webhookToken: 'a-long-enough-webhook-token' });
    const none = loadConfig(base);
    expect(none.agentWebhook).toBeUndefined();
    expect(none.chatwoot).toBeUndefined();
  });

  it('half a setting is an error naming what is missing', () => {
    expect(() => loadConfig({ ...base, CHARTBOT_AGENT_WEBHOOK_URL: 'https://agents.example.com/hook' })).toThrow(/CHARTBOT_AGENT_WEBHOOK_URL and CHARTBOT_AGENT_WEBHOOK_SECRET go together/);
    expect(() => loadConfig({ ...base, CHARTBOT_AGENT_WEBHOOK_SECRET: 'sig' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, CHARTBOT_AGENT_WEBHOOK_URL: 'ftp://x', CHARTBOT_AGENT_WEBHOOK_SECRET: 'sig' })).toThrow(/CHARTBOT_AGENT_WEBHOOK_URL: must be an http\(s\) URL/);
    const { CHATWOOT_INBOX_ID: _inbox, CHATWOOT_WEBHOOK_TOKEN: _token, ...partial } = chatwoot;
    expect(() => loadConfig({ ...base, ...partial })).toThrow(/the Chatwoot connector needs CHATWOOT_INBOX_ID, CHATWOOT_WEBHOOK_TOKEN too/);
    expect(() => loadConfig({ ...base, ...chatwoot, CHATWOOT_ACCOUNT_ID: 'acme' })).toThrow(/CHATWOOT_ACCOUNT_ID: must be the numeric account id/);
    expect(() => loadConfig({ ...base, ...chatwoot, CHATWOOT_WEBHOOK_TOKEN: 'short' })).toThrow(/CHATWOOT_WEBHOOK_TOKEN must be at least 16 characters/);
  });
});

describe('hand-over in the testing tools', () => {
  it('flow graphs mark the states tagged handover', () => {
    expect(describeFlow(supportMachine).states.filter((s) => s.tags.includes('handover')).map((s) => s.path)).toEqual(['handover']);
    const mermaid = toMermaid(supportMachine);
    expect(mermaid).toContain('  classDef handoverState fill:#ffe8a3,stroke:#b7791f\n  class handover handoverState\n');
    expect(toDot(supportMachine)).toContain('subgraph "cluster_handover" {\n    label="handover";\n    style=filled; fillcolor="#ffe8a3";');
  });

  it('transcripts read agent lines', () => {
    const transcript = parseTranscript('user: hi\nagent Sam Lee: Hi: I am Sam\nagent Sam Lee resolves\n');
    expect(transcript.steps.slice(1)).toEqual([
      { kind: 'agent', line: 'agent Sam Lee: Hi: I am Sam', lineNumber: 2, agent: 'Sam Lee', action: 'says', text: 'Hi: I am Sam' },
      { kind: 'agent', line: 'agent Sam Lee resolves', lineNumber: 3, agent: 'Sam Lee', action: 'resolves' },
    ]);
    expect(() => parseTranscript('agent Sam:\n', 'x.transcript')).toThrow(TranscriptSyntaxError);
    expect(() => parseTranscript('agent Sam:\n', 'x.transcript')).toThrow('x.transcript:1: "agent Sam:" needs the text the agent writes');
  });

  it('an agent line outside a hand-over stops the run and says why', async () => {
    const file = join(temp.path(), 'early.transcript');
    await writeFile(file, `flow: ${resolve('flows/support.ts')}\nname: Ann\n\nuser: hi\nbot: Hi Ann! How can we help you today?\n  [FAQ] [Open a ticket] [Talk to a person]\nagent Sam: Hello\n`);
    const result = await runTranscript(file);
    expect(result.passed).toBe(false);
    expect(result.actual.slice(-2)).toEqual(['agent Sam: Hello', expect.stringMatching(/^! agent Sam cannot write: contact 4915550000 of number \d+ is not in a hand-over \(its conversation is in state "menu"\)/)]);
  });
});
