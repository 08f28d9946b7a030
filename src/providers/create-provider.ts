import type { Config } from '../config.ts';
import { cloudApiProvider, dialog360Provider } from './cloud-api.ts';
import { consoleProvider } from './console.ts';
import type { Provider } from './provider.ts';

/** The provider the configuration names. */
export function createProvider(config: Pick<Config, 'provider' | 'token' | 'apiUrl'>): Provider {
  switch (config.provider) {
    case 'cloud':
      return cloudApiProvider({ token: config.token ?? '', baseUrl: config.apiUrl });
    case '360dialog':
      return dialog360Provider({ token: config.token ?? '', baseUrl: config.apiUrl });
    case 'console':
      return consoleProvider();
  }
}
