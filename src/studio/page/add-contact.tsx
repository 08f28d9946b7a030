import { useState } from 'preact/hooks';
import type { BusinessNumberView } from '../view-types.ts';

/** Another simulated user, writing to a business number (the flow that serves it answers). */
export function AddContact({ numbers, onAdd }: { numbers: BusinessNumberView[]; onAdd: (c: { name: string; waId: string; businessNumberId: string }) => Promise<boolean> }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [waId, setWaId] = useState('');
  const [number, setNumber] = useState(numbers[0]?.id ?? '');
  if (!open) {
    return (
      <button type="button" class="add-contact" onClick={() => setOpen(true)}>
        + Add contact
      </button>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await onAdd({ name, waId, businessNumberId: number || (numbers[0]?.id ?? '') })) {
      setOpen(false);
      setName('');
      setWaId('');
    }
  };
  return (
    <form class="add-contact-form" onSubmit={submit} aria-label="Add a contact">
      <label>
        Name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        WhatsApp number
        <input value={waId} placeholder="4915550001" onInput={(e) => setWaId(e.currentTarget.value)} />
      </label>
      <label>
        Business number
        <select value={number} onChange={(e) => setNumber(e.currentTarget.value)}>
          {numbers.map((n) => (
            <option value={n.id}>
              {n.id} → {n.flow}
              {n.fallback ? ' (any other number)' : ''}
            </option>
          ))}
        </select>
      </label>
      <div class="buttons">
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="submit" class="primary">
          Add contact
        </button>
      </div>
    </form>
  );
}
