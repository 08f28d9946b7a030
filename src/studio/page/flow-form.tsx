import { useState } from 'preact/hooks';

interface Field {
  name: string;
  value: string;
}

/** A value as typed: numbers, booleans, null, arrays and objects in JSON; anything else is text. */
function typed(value: string): unknown {
  const trimmed = value.trim();
  if (/^(-?\d+(\.\d+)?|true|false|null|\[[\s\S]*\]|\{[\s\S]*\})$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * The WhatsApp Flow the bot invited to, as a simple form: the screens live at Meta, so the
 * developer types the fields the flow's response carries; submitting sends a `user.flow` event.
 */
export function FlowForm(props: { screen?: string | undefined; flowId?: string | undefined; token?: string | undefined; onSubmit: (response: Record<string, unknown>) => void }) {
  const [fields, setFields] = useState<Field[]>([{ name: '', value: '' }]);
  const update = (index: number, patch: Partial<Field>) => setFields(fields.map((f, i) => (i === index ? { ...f, ...patch } : f)));
  const submit = (event: Event) => {
    event.preventDefault();
    const response: Record<string, unknown> = {};
    for (const f of fields) if (f.name.trim()) response[f.name.trim()] = typed(f.value);
    props.onSubmit(response);
  };
  return (
    <form class="flow-form" onSubmit={submit} aria-label="WhatsApp Flow form">
      <div class="flow-form-title">
        Flow {props.flowId ?? ''}
        {props.screen ? ` · screen ${props.screen}` : ''}
        {props.token ? ` · token ${props.token}` : ''}
      </div>
      {fields.map((field, i) => (
        <div class="flow-field" key={i}>
          <input aria-label={`Field ${i + 1} name`} placeholder="field" value={field.name} onInput={(e) => update(i, { name: e.currentTarget.value })} />
          <input aria-label={`Field ${i + 1} value`} placeholder="value" value={field.value} onInput={(e) => update(i, { value: e.currentTarget.value })} />
        </div>
      ))}
      <div class="flow-form-buttons">
        <button type="button" onClick={() => setFields([...fields, { name: '', value: '' }])}>
          Add field
        </button>
        <button type="submit" class="primary">
          Submit form
        </button>
      </div>
    </form>
  );
}
