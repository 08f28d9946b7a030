/** State paths as tests read them (the runtime's own helpers, re-exported for the harness). */
export { activePaths, stateLabel, stateLabelOf } from '../conversation/state-paths.ts';
