import { relative } from 'node:path';
import type { Flow } from '../conversation/define-flow.ts';
import type { FlowRegistry } from '../conversation/flow-registry.ts';
import { contactKey } from '../store/contact-record.ts';
import { TEST_BUSINESS_NUMBER } from '../testing/test-bot.ts';
import { businessNumbers } from './business-numbers.ts';
import { layoutFlow } from './diagram-layout.ts';
import { FlowCatalog } from './flow-catalog.ts';
import { FlowWatcher } from './flow-watcher.ts';
import { inputFromRequest, readContactRequest } from './page-requests.ts';
import { ReloadableRegistry } from './reloadable-registry.ts';
import { saveTranscript } from './save-transcript.ts';
import { Session, type ContactSpec } from './session.ts';
import type { BusinessNumberView, ClockRequest, ContactRequest, DiagramLayout, NoticeView, SaveResult, StudioView } from './view-types.ts';

export interface StudioOptions {
  /** Flow files and folders (default: `FLOWS_DIR` or `./flows`). */
  paths: string[];
  /** The project: `test/transcripts/` is written there, paths are shown relative to it (default: cwd). */
  projectDir?: string;
  /** Catch-all flow when several could serve every number (`CHARTBOT_FLOW`). */
  defaultFlow?: string;
  /** Watch the flow files and reload them on change (default true). */
  watch?: boolean;
}

const NOTICES_KEPT = 5;
const DEFAULT_CONTACT = { name: 'Tester', waId: '4915550000' };

/**
 * The studio's model: the flows (reloaded when their files change), one simulated session on
 * them, and the contacts in it. Every operation runs one at a time and ends by publishing the new
 * view to the page.
 */
export class Studio {
  private session: Session | undefined;
  private registry: ReloadableRegistry | undefined;
  private readonly specs: ContactSpec[] = [];
  private readonly notices: NoticeView[] = [];
  private readonly layouts = new Map<string, DiagramLayout>();
  private readonly listeners = new Set<(view: StudioView) => void>();
  private watcher: FlowWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private version = 0;
  private noticeId = 0;
  private itemId = 0;
  private closed = false;
  readonly projectDir: string;

  private constructor(
    private readonly catalog: FlowCatalog,
    options: StudioOptions,
  ) {
    this.projectDir = options.projectDir ?? process.cwd();
  }

  static async open(options: StudioOptions): Promise<Studio> {
    const catalog = await FlowCatalog.fromPaths(options.paths, options.defaultFlow ? { defaultFlow: options.defaultFlow } : {});
    await catalog.loadAll();
    const studio = new Studio(catalog, options);
    await studio.applyRegistry(new Set(catalog.flows.map((f) => f.name)));
    if (options.watch !== false) {
      studio.watcher = new FlowWatcher(catalog.watchedDirs, (file) => void studio.serial(() => studio.fileChanged(file)).catch(() => {}));
    }
    return studio;
  }

  // ---- reading --------------------------------------------------------------------------------

  view(): StudioView {
    const session = this.session;
    return {
      version: this.version,
      flows: this.catalog.flows.map((flow) => ({
        name: flow.name,
        ...(flow.file ? { file: this.rel(flow.file) } : {}),
        numbers: flow.numbers ?? [],
        ...(flow.description ? { description: flow.description } : {}),
        version: this.catalog.versionOf(flow.name),
      })),
      numbers: this.numbers(),
      clock: { now: session?.bot.clock.now() ?? 0, timers: session?.timerViews() ?? [] },
      contacts: session?.contactViews() ?? [],
      log: session?.logViews() ?? [],
      loadErrors: this.catalog.errors.map((e) => ({ ...e, file: this.rel(e.file) })),
      notices: [...this.notices],
    };
  }

  layout(flow: string): DiagramLayout | undefined {
    return this.layouts.get(flow);
  }

  /** Calls `listener` with every new view; returns the unsubscribe function. */
  subscribe(listener: (view: StudioView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- what the page asks -----------------------------------------------------------------------

  addContact(request: { name?: unknown; waId?: unknown; businessNumberId?: unknown }): Promise<StudioView> {
    return this.serial(async () => {
      const session = this.requireSession();
      const { name, waId, number } = readContactRequest(request, this.numbers(), this.defaultNumber());
      const spec: ContactSpec = { key: contactKey(number, waId), name, waId, businessNumberId: number };
      if (this.specs.some((s) => s.key === spec.key)) throw new Error(`${waId} already writes to ${number}`);
      this.specs.push(spec);
      session.addContact(spec);
    });
  }

  act(contact: string, request: ContactRequest): Promise<StudioView> {
    return this.serial(async () => {
      const session = this.requireSession();
      session.contact(contact); // a clear error for an unknown contact
      await session.apply(inputFromRequest(contact, request));
    });
  }

  advance(request: ClockRequest): Promise<StudioView> {
    return this.serial(async () => {
      const session = this.requireSession();
      let ms: number;
      if (request.advance === 'next') {
        const next = session.timerViews()[0];
        if (!next) throw new Error('no timer is pending');
        ms = Math.max(0, next.fireAt - session.bot.clock.now());
      } else {
        ms = request.advance;
        if (!Number.isFinite(ms) || ms < 0 || ms > 366 * 24 * 3_600_000) throw new Error('advance by 0 ms to one year');
      }
      await session.apply({ kind: 'advance', ms });
    });
  }

  /**
   * Goes back to the moment after a log entry: a fresh session replays the inputs up to it (with
   * the flows as they are now). What is done next branches from there; the rest is forgotten.
   */
  rewind(entryId: number): Promise<StudioView> {
    return this.serial(async () => {
      const session = this.requireSession();
      const point = session.rewindPoint(entryId);
      if (!point) throw new Error(`no log entry #${entryId}`);
      const fresh = await this.startSession();
      try {
        await fresh.replay(session.journal, point);
        this.notice('info', `Rewound to #${entryId}: what you do next branches from there.`);
      } catch (error) {
        this.notice('warn', `The replay stopped early (the flow changed since?): ${(error as Error).message}`);
      }
      this.session = fresh;
      await session.close();
    });
  }

  /** Writes the contact's conversation to `test/transcripts/` and checks that it replays green. */
  saveTest(contact: string): Promise<SaveResult> {
    let result: SaveResult | undefined;
    return this.serial(async () => {
      const session = this.requireSession();
      const spec = session.contacts.find((c) => c.key === contact);
      if (!spec) throw new Error(`no contact ${contact}`);
      const flow = this.registry?.forNumber(spec.businessNumberId);
      if (!flow?.file) throw new Error('the contact\'s flow was not loaded from a file, so a transcript cannot name it');
      const state = session.contact(contact).state;
      result = await saveTranscript({
        projectDir: this.projectDir,
        flow: flow as Flow & { file: string },
        contact: spec,
        journal: session.journal,
        ...(state === undefined ? {} : { state }),
      });
    }).then(() => result as SaveResult);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    await this.queue.catch(() => {});
    await this.session?.close();
    this.listeners.clear();
  }

  // ---- flows ----------------------------------------------------------------------------------

  private async fileChanged(file: string): Promise<void> {
    if (this.closed) return;
    const change = await this.catalog.fileChanged(file);
    switch (change.kind) {
      case 'unchanged':
        return;
      case 'dependency':
        this.notice('warn', `${this.rel(file)} changed, but only flow files reload: restart chartbot dev to load it.`);
        return;
      case 'failed':
        return; // the load error is in the view; the last good version keeps running
      case 'removed':
        await this.applyRegistry(new Set());
        return;
      case 'reloaded':
        await this.applyRegistry(new Set([change.flow.name]));
        return;
    }
  }

  /** Puts the catalog's routing in force, lays changed flows out, and tells their conversations. */
  private async applyRegistry(changed: ReadonlySet<string>): Promise<void> {
    const next = this.catalog.registry;
    if (!next) return;
    for (const flow of next.flows) {
      const version = this.catalog.versionOf(flow.name);
      if (this.layouts.get(flow.name)?.version === version) continue;
      try {
        this.layouts.set(flow.name, await layoutFlow(flow.name, flow.machine, version));
      } catch (error) {
        this.notice('error', `The diagram of ${flow.name} could not be laid out: ${(error as Error).message}`);
      }
    }
    if (!this.registry) {
      this.registry = new ReloadableRegistry(next);
      this.specs.push(this.defaultContact());
      this.session = await this.startSession();
      return;
    }
    if (this.registry.flows === next.flows) return; // a routing problem kept the previous flows
    this.registry.replace(next);
    await this.session?.flowsReloaded(changed, (name) => {
      const file = next.flows.find((f) => f.name === name)?.file;
      return file ? this.rel(file) : name;
    });
  }

  private startSession(): Promise<Session> {
    return Session.start(this.registry as FlowRegistry, this.specs, {
      nextId: () => ++this.itemId,
      onGlobalNotice: (level, text) => this.notice(level, text),
    });
  }

  private defaultContact(): ContactSpec {
    const number = this.defaultNumber();
    return { key: contactKey(number, DEFAULT_CONTACT.waId), ...DEFAULT_CONTACT, businessNumberId: number };
  }

  private numbers(): BusinessNumberView[] {
    return businessNumbers(this.registry);
  }

  private defaultNumber(): string {
    return this.numbers()[0]?.id ?? TEST_BUSINESS_NUMBER;
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private requireSession(): Session {
    if (!this.session) throw new Error('no flow has loaded yet: fix the errors shown above');
    return this.session;
  }

  private notice(level: NoticeView['level'], text: string): void {
    this.notices.push({ id: ++this.noticeId, level, text });
    if (this.notices.length > NOTICES_KEPT) this.notices.shift();
  }

  private rel(file: string): string {
    const path = relative(this.projectDir, file);
    return path.startsWith('..') ? file : path;
  }

  /** Runs one operation at a time (the page, the watcher), then publishes the new view. */
  private serial(job: () => Promise<void>): Promise<StudioView> {
    const run = this.queue.then(async () => {
      try {
        await job();
      } catch (error) {
        this.publish();
        throw error;
      }
      return this.publish();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private publish(): StudioView {
    this.version++;
    const view = this.view();
    for (const listener of this.listeners) listener(view);
    return view;
  }
}
