import { describe, expect, it } from 'vitest';
import { inbound, failedStatus } from '../fixtures/inbound-messages.ts';
import { fuzzIterations, fuzzSeed, seededRandom } from '../helpers/seeded-random.ts';
import { mutate, randomJson } from '../helpers/fuzz-values.ts';
import { BUSINESS } from '../helpers/webhooks.ts';
import { NotAWebhookError, parseWebhook } from '../../src/messages/parse-webhook.ts';

const ITERATIONS = fuzzIterations(4000);
const seed = fuzzSeed(20261123);

/** A valid envelope carrying every fixture message kind and a failed status. */
const valid = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'WABA',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: BUSINESS.display, phone_number_id: BUSINESS.phoneNumberId },
            contacts: [{ profile: { name: 'Kerry' }, wa_id: '16315551234' }],
            messages: Object.values(inbound),
            statuses: [failedStatus],
          },
        },
      ],
    },
  ],
};

/** Parses; only NotAWebhookError may escape, and what comes out must survive being saved (JSON). */
function parsesSafely(body: unknown): 'parsed' | 'rejected' {
  try {
    const parsed = parseWebhook(body);
    JSON.stringify(parsed);
    for (const m of parsed.messages) {
      expect(typeof m.messageId).toBe('string');
      expect(typeof m.contact.waId).toBe('string');
      expect(m.type).toMatch(/^user\./);
    }
    return 'parsed';
  } catch (error) {
    if (error instanceof NotAWebhookError) return 'rejected';
    throw new Error(`seed ${seed}: parseWebhook threw ${String(error)} on ${JSON.stringify(body).slice(0, 500)}`);
  }
}

describe(`parseWebhook fuzz (seed ${seed}, FUZZ_SEED=<n> to change)`, () => {
  it('the valid envelope parses every message kind', () => {
    expect(parseWebhook(valid).messages).toHaveLength(Object.keys(inbound).length);
  });

  it(`never throws anything but NotAWebhookError on ${ITERATIONS} random and mutated bodies`, () => {
    const random = seededRandom(seed);
    const outcomes = { parsed: 0, rejected: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const body = random.chance(0.2) ? randomJson(random, 5) : mutate(random, random.chance(0.5) ? valid : { ...valid, entry: [randomJson(random)] });
      outcomes[parsesSafely(body)]++;
    }
    // Both paths were exercised (a fuzz that only ever hits one branch proves little).
    expect(outcomes.parsed).toBeGreaterThan(ITERATIONS / 4);
    expect(outcomes.rejected).toBeGreaterThan(10);
  });

  it('values whose toString is not callable (found by this fuzz) are reported, not thrown on', () => {
    const body = JSON.parse('{"object":{"toString":1},"entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1"},"statuses":[{"id":"s","status":{"valueOf":1,"toString":1}}]}}]}]}');
    const parsed = parseWebhook(body);
    expect(parsed.ignored.map((i) => i.reason)).toEqual(['object "{"toString":1}" is not whatsapp_business_account: the whole body is ignored']);
    const status = parseWebhook(JSON.parse('{"entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1"},"statuses":[{"id":"s","status":{"valueOf":1,"toString":1}}]}}]}]}'));
    expect(status.ignored.map((i) => i.reason)).toEqual(['unknown status "{"valueOf":1,"toString":1}"']);
  });

  it('absurdly long sender or business ids are ignored (found by the HTTP fuzz: they name the contact file)', () => {
    const long = '1'.repeat(65);
    const body = (bn: string, from: string) => ({
      entry: [{ changes: [{ value: { metadata: { phone_number_id: bn }, messages: [{ from, id: 'm', type: 'text', text: { body: 'x' } }], statuses: [{ id: 's', status: 'read', recipient_id: from }] } }] }],
    });
    expect(parseWebhook(body('1'.repeat(64), '2'.repeat(64))).messages).toHaveLength(1);
    for (const [bn, from] of [[long, '2'], ['1', long]] as const) {
      const parsed = parseWebhook(body(bn, from));
      expect(parsed.messages).toEqual([]);
      expect(parsed.statuses).toEqual([]);
      expect(parsed.ignored).toHaveLength(2);
    }
  });

  it('a nested-JSON bomb in a Flow response is kept as text, not parsed', () => {
    const bomb = '['.repeat(100_000) + ']'.repeat(100_000);
    const body = mutate(seededRandom(seed), valid, 0) as typeof valid;
    const nfm = { from: '1', id: 'wamid.bomb', type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { response_json: bomb } } };
    body.entry[0]!.changes[0]!.value.messages = [nfm as never];
    const [event] = parseWebhook(body).messages;
    expect(event).toMatchObject({ type: 'user.flow', response: { raw: bomb } });
    expect(() => JSON.stringify(event)).not.toThrow();
  });
});
