import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ContactRequest, DiagramLayout, LogEntryView, SaveResult, StudioView } from '../view-types.ts';
import { AddContact } from './add-contact.tsx';
import { api, subscribe } from './api.ts';
import { ChatPanel } from './chat.tsx';
import { ClockBar } from './clock-bar.tsx';
import { Diagram } from './diagram.tsx';
import { EventLog } from './event-log.tsx';
import { StatePanel } from './state-panel.tsx';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function LoadErrors({ errors }: { errors: StudioView['loadErrors'] }) {
  if (errors.length === 0) return null;
  return (
    <div class="load-errors" role="alert" aria-label="Flow errors">
      {errors.map((e) => (
        <div class="load-error">
          <div>
            <strong>
              {e.file}
              {e.line ? `:${e.line}` : ''}
              {e.column ? `:${e.column}` : ''}
            </strong>{' '}
            {e.message}
          </div>
          {e.excerpt ? <pre>{e.excerpt.join('\n')}</pre> : null}
          <div class="hint">The studio keeps running the last version that loaded; saving the file again reloads it.</div>
        </div>
      ))}
    </div>
  );
}

function SavedTest({ result, onClose }: { result: SaveResult; onClose: () => void }) {
  return (
    <div class={result.passed ? 'saved passed' : 'saved failed'} role="status">
      <div>
        {result.passed ? '✓' : '⚠'} Saved <code>{result.file}</code>
        {result.passed ? ': chartbot test replays it green.' : ': it does not replay green.'}
        <button type="button" class="close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {result.skipped.length ? <div class="hint">Left out (transcripts cannot say it): {result.skipped.join('; ')}</div> : null}
      {result.diff && !result.passed ? <pre>{result.diff}</pre> : null}
    </div>
  );
}

/** chartbot studio: chats on the left, the selected conversation's statechart, log and state on the right. */
export function App() {
  const [view, setView] = useState<StudioView | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [layouts, setLayouts] = useState<Record<string, DiagramLayout>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<SaveResult | undefined>(undefined);
  const [dismissed, setDismissed] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const show = useCallback((next: StudioView) => setView((current) => (current && current.version > next.version ? current : next)), []);
  useEffect(() => {
    api.view().then(show, (e: unknown) => setProblem(message(e)));
    return subscribe(show);
  }, [show]);

  const contacts = view?.contacts ?? [];
  const current = contacts.find((c) => c.key === selected) ?? contacts[0];
  const flow = view?.flows.find((f) => f.name === current?.flow);
  const layout = flow ? layouts[flow.name] : undefined;
  useEffect(() => {
    if (!flow || layout?.version === flow.version) return;
    api.diagram(flow.name).then(
      (fetched) => setLayouts((all) => ({ ...all, [fetched.flow]: fetched })),
      (e: unknown) => setProblem(message(e)),
    );
  }, [flow?.name, flow?.version, layout?.version]);

  const run = async (key: string | undefined, request: () => Promise<StudioView>): Promise<boolean> => {
    setBusy(true);
    try {
      show(await request());
      if (key) setErrors((all) => ({ ...all, [key]: '' }));
      setProblem(undefined);
      return true;
    } catch (error) {
      if (key) setErrors((all) => ({ ...all, [key]: message(error) }));
      else setProblem(message(error));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const send = (key: string) => (request: ContactRequest) => run(key, () => api.act(key, request));
  const rewind = (entry: LogEntryView) => void run(undefined, () => api.rewind(entry.id));
  const saveTest = async () => {
    if (!current) return;
    setBusy(true);
    try {
      setSaved(await api.saveTest(current.key));
      show(await api.view());
      setProblem(undefined);
    } catch (error) {
      setProblem(message(error));
    } finally {
      setBusy(false);
    }
  };

  if (!view) return <p class="booting">{problem ?? 'Connecting to chartbot studio…'}</p>;
  const notices = view.notices.filter((n) => !dismissed.has(n.id));
  return (
    <div class="studio">
      <header class="topbar">
        <h1>
          chartbot <span>studio</span>
        </h1>
        <div class="flows" aria-label="Flows">
          {view.flows.map((f) => (
            <span class="flow-chip" title={f.description ?? f.file}>
              {f.name}
              {f.numbers.length ? ` · ${f.numbers.join(', ')}` : ''}
            </span>
          ))}
        </div>
        {current ? (
          <>
            <ClockBar clock={view.clock} busy={busy} advance={(by) => void run(undefined, () => api.clock({ advance: by }))} />
            <button type="button" class="primary save" disabled={busy} onClick={() => void saveTest()}>
              Save as test
            </button>
          </>
        ) : null}
      </header>
      <LoadErrors errors={view.loadErrors} />
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
      {saved ? <SavedTest result={saved} onClose={() => setSaved(undefined)} /> : null}
      {notices.length ? (
        <ul class="notices">
          {notices.map((n) => (
            <li class={`notice-${n.level}`}>
              {n.text}
              <button type="button" class="close" aria-label="Dismiss" onClick={() => setDismissed(new Set([...dismissed, n.id]))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <main class="workspace">
        <div class="contacts">
          {contacts.map((c) => (
            <ChatPanel key={c.key} contact={c} selected={c.key === current?.key} onSelect={() => setSelected(c.key)} send={send(c.key)} error={errors[c.key] || undefined} />
          ))}
          <AddContact numbers={view.numbers} onAdd={(c) => run(undefined, () => api.addContact(c))} />
        </div>
        <div class="inspector">
          <section class="panel diagram-panel" aria-label="Statechart">
            <h2>
              {flow ? `${flow.name}` : 'Statechart'}
              {current ? <span class="hint"> · {current.name}'s conversation</span> : null}
            </h2>
            {layout && current ? <Diagram layout={layout} active={current.activePaths} last={current.lastTransitions} /> : <p class="empty">No flow loaded.</p>}
          </section>
          <div class="lower">
            <EventLog entries={view.log} selected={current?.key} showContact={contacts.length > 1} onRewind={rewind} />
            <StatePanel contact={current} />
          </div>
        </div>
      </main>
    </div>
  );
}
