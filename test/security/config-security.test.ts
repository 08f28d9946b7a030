import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const base = { WHATSAPP_TOKEN: 'token' };

describe('webhook secrets in the configuration', () => {
  it('without any secret: a loud warning, and NODE_ENV=production refuses to start unless allowed', () => {
    expect(loadConfig(base).warnings.join('\n')).toMatch(/^SECURITY: no webhook secret is set .* anyone can post messages/m);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/CHARTBOT_ALLOW_UNSIGNED=true/);
    const allowed = loadConfig({ ...base, NODE_ENV: 'production', CHARTBOT_ALLOW_UNSIGNED: 'true' });
    expect(allowed.warnings.join('\n')).toMatch(/SECURITY: no webhook secret/);
  });

  it('any one secret satisfies production and silences the warning', () => {
    for (const env of [
      { WHATSAPP_APP_SECRET: 'a' },
      { WHATSAPP_360DIALOG_SECRET: 'b' },
      { WHATSAPP_WEBHOOK_HEADER: 'X-Token', WHATSAPP_WEBHOOK_SECRET: 'c' },
    ]) {
      const config = loadConfig({ ...base, NODE_ENV: 'production', ...env });
      expect(config.warnings.join('\n'), JSON.stringify(env)).not.toMatch(/SECURITY/);
    }
    const config = loadConfig({ ...base, WHATSAPP_360DIALOG_SECRET: 'b', WHATSAPP_WEBHOOK_HEADER: 'X-Token', WHATSAPP_WEBHOOK_SECRET: 'c' });
    expect(config.dialog360Secret).toBe('b');
    expect(config.webhookHeader).toEqual({ name: 'X-Token', secret: 'c' });
  });

  it('the header name and its secret go together, and the name must be a header name', () => {
    expect(() => loadConfig({ ...base, WHATSAPP_WEBHOOK_HEADER: 'X-Token' })).toThrow(/WHATSAPP_WEBHOOK_HEADER and WHATSAPP_WEBHOOK_SECRET go together/);
    expect(() => loadConfig({ ...base, WHATSAPP_WEBHOOK_SECRET: 'c' })).toThrow(/go together/);
    expect(() => loadConfig({ ...base, WHATSAPP_WEBHOOK_HEADER: 'X Token', WHATSAPP_WEBHOOK_SECRET: 'c' })).toThrow(/WHATSAPP_WEBHOOK_HEADER: must be an HTTP header name/);
  });

  it('CHARTBOT_MASK_PHONES turns phone masking on', () => {
    expect(loadConfig(base).maskPhones).toBe(false);
    expect(loadConfig({ ...base, CHARTBOT_MASK_PHONES: 'true' }).maskPhones).toBe(true);
    expect(() => loadConfig({ ...base, CHARTBOT_MASK_PHONES: 'yes' })).toThrow(/CHARTBOT_MASK_PHONES/);
  });

  it('isolation limits come from CHARTBOT_SERVICE_TIMEOUT_MS and CHARTBOT_MICROSTEP_BUDGET', () => {
    expect(loadConfig(base)).not.toHaveProperty('serviceTimeoutMs');
    const config = loadConfig({ ...base, CHARTBOT_SERVICE_TIMEOUT_MS: '2500', CHARTBOT_MICROSTEP_BUDGET: '500' });
    expect([config.serviceTimeoutMs, config.microstepBudget]).toEqual([2500, 500]);
    expect(() => loadConfig({ ...base, CHARTBOT_SERVICE_TIMEOUT_MS: '2s' })).toThrow(/CHARTBOT_SERVICE_TIMEOUT_MS: must be milliseconds/);
  });
});
