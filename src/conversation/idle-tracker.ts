/**
 * Knows when a piece of the runtime is idle: none of its own work running (`busy`) and nothing
 * held, such as a read receipt in flight or a reply waiting for its next attempt. `idle()` waits for
 * that moment; call `check()` whenever work ends.
 */
export class IdleTracker {
  private held = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly busy: () => boolean) {}

  /** Keeps `idle()` waiting until the returned function is called (once). */
  hold(): () => void {
    this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      this.check();
    };
  }

  /** Resolves once nothing runs and nothing is held. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes the waiters if the work just ended left nothing running or held. */
  check(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private isIdle(): boolean {
    return this.held === 0 && !this.busy();
  }
}
