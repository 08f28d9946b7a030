import { loadConfig, ConfigError } from '../config.ts';
import { createHttpClient } from '../providers/http-client.ts';
import { fetchMessageTemplates } from '../templates/fetch-templates.ts';
import { describeParameters, type MessageTemplate } from '../templates/message-template.ts';

/** The listing `chartbot templates` prints: one block per template, its parameters indented. */
export function formatTemplates(templates: readonly MessageTemplate[]): string {
  if (templates.length === 0) return 'no message templates in this business account\n';
  const sorted = [...templates].sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  const lines: string[] = [];
  for (const t of sorted) {
    const format = t.parameter_format ? `, ${t.parameter_format.toLowerCase()} parameters` : '';
    lines.push(`${t.name} (${t.language}) ${t.status}${t.category ? ` ${t.category}` : ''}${format}`);
    const parameters = describeParameters(t);
    lines.push(...(parameters.length ? parameters.map((p) => `  ${p}`) : ['  no parameters']));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `chartbot templates`: lists the business account's message templates with the parameters a send
 * must fill (WHATSAPP_BUSINESS_ACCOUNT_ID, WHATSAPP_TOKEN; WHATSAPP_API_URL for another Graph host).
 */
export async function templatesCommand(env: Record<string, string | undefined>, write: (text: string) => void): Promise<void> {
  const config = loadConfig({ ...env, WHATSAPP_PROVIDER: env.WHATSAPP_PROVIDER ?? 'cloud' });
  if (!config.businessAccountId) throw new ConfigError('chartbot templates needs WHATSAPP_BUSINESS_ACCOUNT_ID (the WhatsApp Business Account id, in WhatsApp Manager → Account tools)');
  if (!config.token) throw new ConfigError('chartbot templates needs WHATSAPP_TOKEN');
  const http = createHttpClient();
  try {
    write(formatTemplates(await fetchMessageTemplates({ wabaId: config.businessAccountId, token: config.token, baseUrl: config.apiUrl }, http)));
  } finally {
    await http.close();
  }
}
