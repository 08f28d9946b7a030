import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { createFlowRegistry, FlowConfigError } from '../../src/conversation/flow-registry.ts';
import { loadFlows, toFlow } from '../../src/conversation/load-flows.ts';
import { defineFlow } from '../../src/conversation/define-flow.ts';
import { loadConfig } from '../../src/config.ts';

const machine = createMachine({ id: 'm', initial: 'a', states: { a: {} } });
const flow = (name: string, extra: Record<string, unknown> = {}) => toFlow(defineFlow({ machine, name, ...extra }), `${name}.ts`);

describe('flow routing', () => {
  it('routes numbers to the flows that claim them and the rest to the default', () => {
    const registry = createFlowRegistry([flow('sales', { numbers: ['PN1'] }), flow('support')]);
    expect(registry.forNumber('PN1').name).toBe('sales');
    expect(registry.forNumber('PN2').name).toBe('support');
  });

  it('says what to do when several flows could serve every number, with the line to write in each file', () => {
    const pizza = toFlow(defineFlow({ machine, name: 'pizza' }), join(process.cwd(), 'flows', 'pizza.ts'));
    const support = toFlow(defineFlow({ machine, name: 'support' }), join(process.cwd(), 'flows', 'support.ts'));
    let message = '';
    try {
      createFlowRegistry([pizza, support]);
    } catch (error) {
      expect(error).toBeInstanceOf(FlowConfigError);
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'several flows could serve every number: pizza (flows/pizza.ts), support (flows/support.ts).',
      'Say which one answers the numbers no flow claims, in one of these ways:',
      '  1. mark it the default, e.g. in flows/pizza.ts:',
      "       export default defineFlow({ name: 'pizza', machine, default: true });",
      '  2. or give the other flows the numbers (phone_number_id) they serve, e.g. in flows/support.ts:',
      "       export default defineFlow({ name: 'support', machine, numbers: ['<phone_number_id>'] });",
      '  3. or name it when starting: CHARTBOT_FLOW=pizza npm start',
    ]);
    // Each of the three ways, done as the message says, works.
    const marked = toFlow(defineFlow({ machine, name: 'pizza', default: true }), 'pizza.ts');
    expect(createFlowRegistry([marked, support]).forNumber('any').name).toBe('pizza');
    const numbered = toFlow(defineFlow({ machine, name: 'support', numbers: ['PN9'] }), 'support.ts');
    expect(createFlowRegistry([pizza, numbered]).forNumber('any').name).toBe('pizza');
    expect(createFlowRegistry([pizza, support], { defaultFlow: 'pizza' }).forNumber('any').name).toBe('pizza');
    expect(() => createFlowRegistry([flow('a', { default: true }), flow('b', { default: true })])).toThrow(
      /several flows are marked default: a \(a\.ts\), b \(b\.ts\)\. Keep `default: true` in one of them/,
    );
    expect(createFlowRegistry([flow('a'), flow('b', { default: true })]).forNumber('x').name).toBe('b');
    expect(createFlowRegistry([flow('a'), flow('b')], { defaultFlow: 'a' }).forNumber('x').name).toBe('a');
    expect(() => createFlowRegistry([flow('a')], { defaultFlow: 'zz' })).toThrow(/CHARTBOT_FLOW="zz" names no loaded flow/);
  });

  it('refuses a number claimed twice, duplicate names and numbers nobody serves', () => {
    expect(() => createFlowRegistry([flow('a', { numbers: ['1'] }), flow('b', { numbers: ['1'] })])).toThrow(/claimed by both/);
    expect(() => createFlowRegistry([flow('a'), flow('a', { numbers: ['2'] })])).toThrow(/two flows are named "a"/);
    expect(() => createFlowRegistry([flow('a', { numbers: ['1'] })]).forNumber('9')).toThrow(FlowConfigError);
  });

  it('loads .ts flow files from a folder and explains a bad default export', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chartbot-flows-'));
    try {
      await writeFile(join(dir, 'bad.ts'), 'export default 42;\n');
      await expect(loadFlows(dir)).rejects.toThrow(/bad\.ts is not a flow: its default export is a number\. A flow file default-exports an xstate machine/);
      await rm(join(dir, 'bad.ts'));
      await writeFile(join(dir, 'good.ts'), "import { createMachine } from 'xstate';\nexport default createMachine({ id: 'x' });\n");
      await writeFile(join(dir, '_helper.ts'), 'export const x = 1;\n');
      const flows = await loadFlows(dir);
      expect(flows.map((f) => f.name)).toEqual(['good']);
      await expect(loadFlows(join(dir, 'missing'))).rejects.toThrow(/cannot be read \(set FLOWS_DIR\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a helper module in the flows folder is refused with the rule that says where helpers go; in flows/lib/ or named _… it is not a flow', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chartbot-flows-'));
    try {
      await mkdir(join(dir, 'lib'));
      await writeFile(join(dir, 'lib', 'prices.ts'), 'export const prices = { large: 12 };\n');
      await writeFile(join(dir, 'lib', 'menu.ts'), 'export default { not: "a flow" };\n');
      await writeFile(
        join(dir, 'pizza.ts'),
        "import { createMachine } from 'xstate';\nimport { prices } from './lib/prices.ts';\nexport default createMachine({ id: 'pizza', context: { price: prices.large } });\n",
      );
      // A helper module written directly in the folder, as a newcomer would.
      await writeFile(join(dir, 'prices.ts'), 'export const prices = { large: 12 };\n');
      await expect(loadFlows(dir)).rejects.toThrow(
        'prices.ts is not a flow: it has no default export. A flow file default-exports an xstate machine or defineFlow({ machine }); ' +
          'every .ts/.js file directly in the flows folder is loaded as a flow; put helper modules in a subfolder (e.g. flows/lib/prices.ts) or start their name with _ (flows/_prices.ts)',
      );
      // Following the rule: helpers in lib/ (a subfolder is never read as flows) or named _….
      await rename(join(dir, 'prices.ts'), join(dir, '_prices.ts'));
      const flows = await loadFlows(dir);
      expect(flows.map((f) => f.name)).toEqual(['pizza']);
      expect(flows[0]?.machine.config.context).toEqual({ price: 12 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loadConfig (the environment contract)', () => {
  it('defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, provider: 'console', dataDir: './data', flowsDir: './flows', logLevel: 'info', markRead: true });
    expect(config.apiUrl).toBe('https://graph.facebook.com/v23.0');
    expect(config.warnings.join('\n')).toMatch(/WHATSAPP_TOKEN is not set/);
  });

  it('cloud by default with a token; 360dialog gets its own default URL', () => {
    expect(loadConfig({ WHATSAPP_TOKEN: 't' }).provider).toBe('cloud');
    expect(loadConfig({ WHATSAPP_TOKEN: 't', WHATSAPP_PROVIDER: '360dialog' }).apiUrl).toBe('https://waba-v2.360dialog.io');
    expect(loadConfig({ WHATSAPP_TOKEN: 't', WHATSAPP_API_URL: 'http://127.0.0.1:9/v23.0' }).apiUrl).toBe('http://127.0.0.1:9/v23.0');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ WHATSAPP_PROVIDER: 'telegram' })).toThrow(/WHATSAPP_PROVIDER/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ CHARTBOT_STORE_JOURNAL: 'yes' })).toThrow(/CHARTBOT_STORE_JOURNAL/);
  });

  it('the store journal is opt-in', () => {
    expect(loadConfig({}).storeWriteAhead).toBe(true);
    expect(loadConfig({ CHARTBOT_STORE_JOURNAL: 'true' }).storeWriteAhead).toBe(true);
    expect(loadConfig({ CHARTBOT_STORE_JOURNAL: 'false' }).storeWriteAhead).toBe(false);
  });
});
