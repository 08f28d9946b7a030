import { describe, expect, it } from 'vitest';
import { buttons, text } from '../../src/messages/builders.ts';
import { collectLimitErrors, deferredLimitError } from '../../src/messages/limit-deferral.ts';
import { MessageLimitError } from '../../src/messages/message-limit-error.ts';

describe('builders while lint loads a flow', () => {
  it('hand back a stand-in carrying the limit error, only inside collectLimitErrors', async () => {
    const { value, errors } = await collectLimitErrors(async () => [buttons('Pick', []), text('fine')]);
    expect(errors.map((e) => e.message)).toEqual(['buttons: must have 1-3 buttons (got 0)']);
    expect(deferredLimitError(value[0])).toBe(errors[0]);
    expect(deferredLimitError(value[1])).toBeUndefined();
    // Outside, the same call throws as it always did.
    expect(() => buttons('Pick', [])).toThrow(MessageLimitError);
  });

  it('do not swallow other errors, and loads for lint cannot overlap', async () => {
    await expect(collectLimitErrors(async () => buttons('Pick', undefined as never))).rejects.toThrow(TypeError);
    const first = collectLimitErrors(() => new Promise((resolve) => setTimeout(resolve, 10)));
    await expect(collectLimitErrors(async () => 1)).rejects.toThrow('load one at a time');
    await first;
    await expect(collectLimitErrors(async () => 1)).resolves.toEqual({ value: 1, errors: [] });
  });
});
