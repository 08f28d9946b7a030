import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

describe('chartbot start in production', () => {
  it('refuses to start without a webhook secret: exit 2 and a message naming the variables', async () => {
    const child = spawn(process.execPath, ['bin/chartbot.js', 'start'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', WHATSAPP_TOKEN: 'token', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(killer);
    expect(code).toBe(2);
    expect(output).toContain('chartbot: NODE_ENV=production but no webhook secret is set (WHATSAPP_APP_SECRET, WHATSAPP_360DIALOG_SECRET or WHATSAPP_WEBHOOK_HEADER + WHATSAPP_WEBHOOK_SECRET)');
    expect(output).toContain('CHARTBOT_ALLOW_UNSIGNED=true');
  });
});
