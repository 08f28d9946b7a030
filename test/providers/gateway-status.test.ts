import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../src/messages/parse-webhook.ts';
import { mapGatewayStatus } from '../../src/providers/gateway-status.ts';
import { envelope, status } from '../helpers/webhooks.ts';

describe('gateway status vocabulary → one status model', () => {
  it.each([
    // seed 003: a partner gateway's SENT / DELIVERED / READ / RECEIVED / ERROR / EXPIRED / UNKNOWN
    ['SENT', 'sent'],
    ['DELIVERED', 'delivered'],
    ['READ', 'read'],
    ['RECEIVED', 'accepted'],
    ['ERROR', 'failed'],
    ['EXPIRED', 'failed'],
    ['UNKNOWN', undefined],
    // Cloud API / 360dialog words (seed 002), including 360dialog's `undeliverable`
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['played', 'played'],
    ['failed', 'failed'],
    ['undeliverable', 'failed'],
    ['deleted', undefined],
    [' Delivered ', 'delivered'],
  ])('%s → %s', (word, expected) => {
    expect(mapGatewayStatus(word)).toBe(expected);
  });

  it('status webhooks use the mapping; words without information are ignored with the reason', () => {
    const parsed = parseWebhook(
      envelope({
        statuses: [status('m1', 'DELIVERED', '42'), status('m2', 'EXPIRED', '42'), status('m3', 'UNKNOWN', '42'), status('m4', 'deleted', '42')],
      }),
    );
    expect(parsed.statuses.map((s) => [s.messageId, s.status])).toEqual([
      ['m1', 'delivered'],
      ['m2', 'failed'],
    ]);
    expect(parsed.ignored.map((i) => i.reason)).toEqual(['unknown status "UNKNOWN"', 'unknown status "deleted"']);
  });
});
