/** Thrown for a configuration that cannot work; the message names the variable and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
