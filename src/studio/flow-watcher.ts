import { watch, type FSWatcher } from 'node:fs';
import { extname, join } from 'node:path';

const SOURCE_EXTENSIONS = new Set(['.ts', '.js', '.mts', '.mjs', '.cts', '.cjs', '.json']);

/**
 * Watches folders for changed source files (fs.watch; editors save by writing in place or by
 * renaming a temporary file, so folders are watched rather than files) and reports each changed
 * file once its writes have settled for `settleMs`.
 */
export class FlowWatcher {
  private readonly watchers: FSWatcher[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    dirs: readonly string[],
    private readonly onChange: (file: string) => void,
    private readonly settleMs = 60,
  ) {
    for (const dir of dirs) {
      const watcher = watch(dir, (_event, name) => {
        if (name && SOURCE_EXTENSIONS.has(extname(name)) && !name.startsWith('.')) this.schedule(join(dir, name.toString()));
      });
      watcher.on('error', () => watcher.close()); // the folder went away: nothing more to watch there
      this.watchers.push(watcher);
    }
  }

  private schedule(file: string): void {
    clearTimeout(this.pending.get(file));
    this.pending.set(
      file,
      setTimeout(() => {
        this.pending.delete(file);
        this.onChange(file);
      }, this.settleMs),
    );
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
