import { describe, expect, it } from 'vitest';
import { DEFAULT_STUDIO_PORT, studioPort } from '../../src/studio/dev-command.ts';
import { runCli } from '../cli/run-cli.ts';

describe('chartbot dev: options', () => {
  it('takes the port from --port, else PORT, else 4000', () => {
    expect(DEFAULT_STUDIO_PORT).toBe(4000);
    expect(studioPort(undefined, {})).toBe(4000);
    expect(studioPort(undefined, { PORT: '4100' })).toBe(4100);
    expect(studioPort('4200', { PORT: '4100' })).toBe(4200);
    expect(() => studioPort('http', {})).toThrow('--port must be a port number (0-65535), got "http"');
    expect(() => studioPort(undefined, { PORT: '70000' })).toThrow('PORT must be a port number');
  });

  it('exits 2 with a clear message for a bad port or a missing flow path', async () => {
    const port = await runCli(['dev', '--port', 'abc']);
    expect(port.code).toBe(2);
    expect(port.stderr).toBe('chartbot dev: --port must be a port number (0-65535), got "abc"\n');
    const missing = await runCli(['dev', 'no/such/flows', '--port', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('chartbot dev: no/such/flows: no such flow file or folder\n');
  });
});
