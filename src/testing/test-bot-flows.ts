import type { Flow } from '../conversation/define-flow.ts';
import type { createFlowRegistry } from '../conversation/flow-registry.ts';
import { loadFlowFile, toFlow } from '../conversation/load-flows.ts';
import { TEST_BUSINESS_NUMBER, type FlowSource } from './test-bot-options.ts';

/** Loads a flow as tests name it (see FlowSource). */
export async function resolveFlow(source: FlowSource): Promise<Flow> {
  if (typeof source === 'string') return loadFlowFile(source);
  const name = 'root' in source ? source.id : (source.name ?? source.machine.id);
  return toFlow(source, `${name}.ts`);
}

/**
 * The number contacts write to by default: the test number, or, when no flow serves it (flows that
 * only list `numbers`, like flows/shop.ts), the first number a flow lists.
 */
export function servedNumber(registry: ReturnType<typeof createFlowRegistry>, flows: readonly Flow[]): string {
  try {
    registry.forNumber(TEST_BUSINESS_NUMBER);
    return TEST_BUSINESS_NUMBER;
  } catch {
    return flows.find((f) => f.numbers?.length)?.numbers?.[0] ?? TEST_BUSINESS_NUMBER;
  }
}
