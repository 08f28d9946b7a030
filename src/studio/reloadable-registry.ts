import type { Flow } from '../conversation/define-flow.ts';
import type { FlowRegistry } from '../conversation/flow-registry.ts';

/**
 * A flow registry whose routing can be replaced while the runtime runs: the runtime asks it for a
 * contact's flow at every step, so a reloaded flow serves each conversation from its next event on.
 */
export class ReloadableRegistry implements FlowRegistry {
  constructor(private current: FlowRegistry) {}

  get flows(): readonly Flow[] {
    return this.current.flows;
  }

  forNumber(businessNumberId: string): Flow {
    return this.current.forNumber(businessNumberId);
  }

  replace(next: FlowRegistry): void {
    this.current = next;
  }
}
