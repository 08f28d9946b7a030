import type { ClockRequest, ContactRequest, DiagramLayout, SaveResult, StudioView } from '../view-types.ts';

/** A request the studio refused, with its reason (shown to the developer as is). */
export class StudioRequestError extends Error {
  override readonly name = 'StudioRequestError';
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    ...(method === 'POST' ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) } : {}),
  });
  const data = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new StudioRequestError(data.error ?? `${method} ${path}: HTTP ${response.status}`);
  return data;
}

export const api = {
  view: () => request<StudioView>('GET', '/api/view'),
  diagram: (flow: string) => request<DiagramLayout>('GET', `/api/diagram/${encodeURIComponent(flow)}`),
  addContact: (contact: { name: string; waId: string; businessNumberId: string }) => request<StudioView>('POST', '/api/contacts', contact),
  act: (contact: string, body: ContactRequest) => request<StudioView>('POST', `/api/contacts/${encodeURIComponent(contact)}/actions`, body),
  saveTest: (contact: string) => request<SaveResult>('POST', `/api/contacts/${encodeURIComponent(contact)}/transcript`),
  clock: (body: ClockRequest) => request<StudioView>('POST', '/api/clock', body),
  rewind: (entry: number) => request<StudioView>('POST', '/api/rewind', { entry }),
};

/** Every view the server publishes (a reload, a change made elsewhere), as server-sent events. */
export function subscribe(onView: (view: StudioView) => void): () => void {
  const source = new EventSource('/api/events');
  source.addEventListener('view', (event) => onView(JSON.parse((event as MessageEvent<string>).data) as StudioView));
  return () => source.close();
}
