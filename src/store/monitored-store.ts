import type { HealthMonitor } from '../server/health.ts';
import type { SessionStore } from './session-store.ts';

/**
 * The store as the runtime sees it when the bot reports health: a failed save (disk full, Redis
 * gone) marks the store unhealthy until a save succeeds again. Everything else is the store's own
 * (it is the prototype, so methods a store adds beyond the contract stay reachable).
 */
export function monitoredStore<T extends SessionStore>(store: T, health: HealthMonitor, source = 'store'): T {
  const monitored = Object.create(store) as T;
  monitored.save = async (record) => {
    try {
      await store.save(record);
    } catch (error) {
      health.failed(source, error);
      throw error;
    }
    health.recovered(source);
  };
  return monitored;
}
