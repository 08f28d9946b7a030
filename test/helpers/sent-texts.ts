import type { MockProvider } from './mock-provider.ts';

/** Bodies of the text messages the mock provider received for `to`, in order. */
export function textsSentTo(mock: MockProvider, to: string): string[] {
  return mock
    .sends()
    .filter((r) => r.body.to === to && r.body.type === 'text')
    .map((r) => (r.body.text as { body: string }).body);
}
