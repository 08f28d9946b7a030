/**
 * A message that WhatsApp would reject, caught while building it. The message names the field, the
 * limit and the offending value, so a flow author finds the mistake in a test.
 */
export class MessageLimitError extends Error {
  override readonly name = 'MessageLimitError';
  constructor(
    readonly field: string,
    readonly limit: string,
    readonly value: unknown,
  ) {
    super(`${field}: ${limit} (got ${JSON.stringify(value)})`);
  }
}
