import type { FlowRegistry } from '../conversation/flow-registry.ts';
import { TEST_BUSINESS_NUMBER } from '../testing/test-bot.ts';
import type { BusinessNumberView } from './view-types.ts';

/**
 * The business numbers contacts can write to: every number a flow lists, and the test number first
 * when a catch-all flow serves it.
 */
export function businessNumbers(registry: FlowRegistry | undefined): BusinessNumberView[] {
  if (!registry) return [];
  const numbers: BusinessNumberView[] = registry.flows.flatMap((f) => (f.numbers ?? []).map((id) => ({ id, flow: f.name, fallback: false })));
  if (!numbers.some((n) => n.id === TEST_BUSINESS_NUMBER)) {
    try {
      numbers.unshift({ id: TEST_BUSINESS_NUMBER, flow: registry.forNumber(TEST_BUSINESS_NUMBER).name, fallback: true });
    } catch {
      // every flow is routed by number: there is no catch-all
    }
  }
  return numbers;
}
