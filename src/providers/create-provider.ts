import { defaultApiUrl, type Config } from '../config.ts';
import { cloudApiProvider, dialog360Provider } from './cloud-api.ts';
import { consoleProvider } from './console.ts';
import { d7Provider } from './d7.ts';
import type { HttpClient } from './http-client.ts';
import type { Provider } from './provider.ts';

/** The provider the configuration names; `http`, when given, is shared and not closed by the provider. */
export function createProvider(config: Pick<Config, 'provider' | 'token' | 'apiUrl'> & { sender?: string }, http?: HttpClient): Provider {
  const client = http ? { http } : {};
  switch (config.provider) {
    case 'cloud':
      return cloudApiProvider({ token: config.token ?? '', baseUrl: config.apiUrl, ...client });
    case '360dialog':
      return dialog360Provider({ token: config.token ?? '', baseUrl: config.apiUrl, ...client });
    case 'd7':
      return d7Provider({ token: config.token ?? '', sender: config.sender ?? '', baseUrl: config.apiUrl, ...client });
    case 'console':
      return consoleProvider();
  }
}

/** One process, several numbers: each number's own gateway (WHATSAPP_NUMBERS), else the default one. */
export interface ProviderSelection {
  /** The default provider (WHATSAPP_PROVIDER). */
  fallback: Provider;
  /** The provider of a business number: its own from `WHATSAPP_NUMBERS`, else the default. */
  forNumber(businessNumberId: string): Provider;
  /** Closes every provider, then the shared HTTP client. */
  close(): Promise<void>;
}

/**
 * The providers of a configuration. With `http`, every gateway shares that client, and `close()`
 * closes it after the providers.
 */
export function createProviderSelection(config: Pick<Config, 'provider' | 'token' | 'apiUrl' | 'sender' | 'numbers'>, http?: HttpClient): ProviderSelection {
  const fallback = createProvider(config, http);
  const byNumber = new Map<string, Provider>();
  for (const [id, n] of Object.entries(config.numbers)) {
    byNumber.set(id, createProvider({ provider: n.provider, token: n.token, apiUrl: n.apiUrl ?? defaultApiUrl(n.provider), sender: n.sender }, http));
  }
  return {
    fallback,
    forNumber: (id) => byNumber.get(id) ?? fallback,
    async close() {
      await Promise.all([fallback, ...byNumber.values()].map((p) => p.close?.()));
      await http?.close();
    },
  };
}
