import type { StudioView } from '../view-types.ts';
import { clockDate, clockTime, span } from './format.ts';

/** The simulated clock: its time, the pending timers and the buttons that move it. */
export function ClockBar({ clock, advance, busy }: { clock: StudioView['clock']; advance: (by: number | 'next') => void; busy: boolean }) {
  const next = clock.timers[0];
  return (
    <section class="clock" aria-label="Simulated clock">
      <div class="clock-now">
        <time>{clockDate(clock.now)}</time>
      </div>
      <div class="clock-buttons">
        <button type="button" disabled={!next || busy} onClick={() => advance('next')}>
          Advance to next timer{next ? ` (${span(next.fireAt - clock.now)})` : ' (none pending)'}
        </button>
        <button type="button" disabled={busy} onClick={() => advance(10 * 60_000)}>
          Advance 10 minutes
        </button>
        <button type="button" disabled={busy} onClick={() => advance(24 * 3_600_000)}>
          Advance 24 hours
        </button>
      </div>
      <ul class="timers" aria-label="Pending timers">
        {clock.timers.length === 0 ? <li class="empty">No timers pending</li> : null}
        {clock.timers.map((t) => (
          <li>
            {t.contactName}: {t.label}
            {t.state ? ` in ${t.state}` : ''} at {clockTime(t.fireAt)} (in {span(t.fireAt - clock.now)})
          </li>
        ))}
      </ul>
    </section>
  );
}
