import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, launchBrowser, type StudioBrowser, type StudioPage } from './helpers/browser.ts';
import { createProject, removeProject, ROOT, startStudio, type StudioProcess } from './helpers/studio-project.ts';

/**
 * The studio in a real browser (headless Debian Chromium), driven as a developer would: by the
 * accessible names of the page. One browser and one `chartbot dev` for the file; the tests build on
 * each other's conversation, in order.
 */
let project: string | undefined;
let studio: StudioProcess | undefined;
let browser: StudioBrowser | undefined;
let tab: StudioPage;
let page: Page;

const chatOf = (name: string): Locator => page.getByRole('region', { name: `Chat with ${name}` });
const logOf = (name: string): Locator => chatOf(name).getByRole('log');
const activeStates = (): Promise<string[]> => page.locator('svg [aria-current="true"] > text.state-name').allTextContents();
const say = async (name: string, text: string) => {
  const box = chatOf(name).getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
};
/** The newest live button (older messages' buttons stay on screen, disabled, as in WhatsApp). */
const live = (name: string, title: string): Locator => logOf(name).getByRole('button', { name: title, exact: true }).last();
const expectActive = async (...states: string[]) => {
  await eventually(activeStates).toEqual(expect.arrayContaining(states));
};

beforeAll(async () => {
  project = await createProject({ 'shop.ts': 'shop-flow.ts', 'helpdesk.ts': 'helpdesk-flow.ts' });
  studio = await startStudio(project);
  browser = await launchBrowser();
  tab = await browser.open(studio.url);
  page = tab.page;
}, 60_000);

afterAll(async () => {
  await tab?.page.close();
  await browser?.close();
  await studio?.stop();
  await removeProject(project);
}, 30_000);

describe('chartbot studio in a browser', () => {
  it('chats (text, button, list row, form), follows the state in the diagram, fires timers and refuses a reply outside the window', async () => {
    // Every state is drawn with its name; nothing is active before the first message.
    const names = () => page.locator('svg g.state > text.state-name').allTextContents();
    await eventually(names).toEqual(expect.arrayContaining(['welcome', 'menu', 'browse', 'help', 'form', 'waiting', 'nudge']));
    expect(await activeStates()).toEqual([]);

    await say('Tester', 'hi');
    await eventually(() => logOf('Tester').textContent()).toContain('Hi Tester! What would you like?');
    await expectActive('menu');
    expect(await page.locator('svg path.edge.last').count()).toBeGreaterThan(0);
    expect(await page.locator('svg .edge-label.last').allTextContents()).toEqual(['user.*']);

    await live('Tester', 'Browse').click();
    await eventually(() => logOf('Tester').textContent()).toContain('Our products');
    await expectActive('browse');
    expect(await logOf('Tester').getByText('Mugs', { exact: true }).count()).toBe(1); // list sections are shown

    await live('Tester', 'Blue mug').click();
    await eventually(() => logOf('Tester').textContent()).toContain('Good choice: Blue mug.');
    await expectActive('menu');

    await live('Tester', 'Get help').click();
    await expectActive('help', 'form');
    await live('Tester', 'Open the form').click();
    await chatOf('Tester').getByRole('textbox', { name: 'Field 1 name' }).fill('problem');
    await chatOf('Tester').getByRole('textbox', { name: 'Field 1 value' }).fill('Lamp is broken');
    await chatOf('Tester').getByRole('button', { name: 'Submit form' }).click();
    await eventually(() => logOf('Tester').textContent()).toContain('Thanks, we got "Lamp is broken".');
    await expectActive('help', 'waiting');

    // A day later the follow-up fires, outside the 24-hour window: refused as WhatsApp would (131047).
    await eventually(() => page.getByRole('list', { name: 'Pending timers' }).textContent()).toContain('after followUp (1d)');
    await page.getByRole('button', { name: 'Advance 24 hours' }).click();
    await eventually(() => logOf('Tester').textContent()).toContain('Not delivered: #131047');
    expect(await logOf('Tester').textContent()).toContain('Any news about your problem?');
    expect(await page.getByRole('region', { name: 'Conversation state' }).textContent()).toContain('closed: only templates reach the user');
    expect(await page.getByRole('region', { name: 'Event log' }).textContent()).toContain('not sent: #131047');

    // Back to the menu, whose idle timer the clock can jump to.
    await say('Tester', 'back');
    await expectActive('menu');
    const next = page.getByRole('button', { name: /^Advance to next timer/ });
    await eventually(() => next.textContent()).toBe('Advance to next timer (10m)');
    await next.click();
    await eventually(() => logOf('Tester').textContent()).toContain('Still there?');
    await expectActive('nudge');
    expect(await page.getByRole('region', { name: 'Event log' }).textContent()).toContain('after idle (10m)');
    expect(await next.textContent()).toBe('Advance to next timer (none pending)');

    await browser?.screenshot(page, 'studio.png');
    expect(tab.problems).toEqual([]);
    expect(tab.external).toEqual([]);
  }, 60_000);

  it('rewinds to an entry of the event log and branches from there', async () => {
    const entry = page.getByRole('region', { name: 'Event log' }).getByRole('button', { name: /user\.list "Blue mug"/ });
    await entry.click();
    await eventually(() => logOf('Tester').textContent()).not.toContain('Tell us what is wrong.');
    const chat = (await logOf('Tester').textContent()) ?? '';
    expect(chat).toContain('Good choice: Blue mug.');
    expect(chat).not.toContain('Still there?');
    await expectActive('menu');
    expect(await page.getByRole('region', { name: 'Event log' }).textContent()).not.toContain('user.flow');

    // The branch: this time the user browses again.
    await live('Tester', 'Browse').click();
    await expectActive('browse');
    expect(tab.problems).toEqual([]);
  }, 60_000);

  it('saves the conversation as a transcript that chartbot test replays green', async () => {
    await page.getByRole('button', { name: 'Save as test' }).click();
    await eventually(() => page.getByRole('status').filter({ hasText: 'Saved' }).textContent()).toContain('chartbot test replays it green');
    const file = join(project as string, 'test/transcripts/shop-tester.transcript');
    const transcript = await readFile(file, 'utf8');
    expect(transcript).toContain(['user: hi', 'bot: Hi Tester! What would you like?', '  [Browse] [Get help]', 'user taps: Browse'].join('\n'));
    expect(transcript).toContain('user picks: Blue mug\nbot: Good choice: Blue mug.\n');
    expect(transcript).toMatch(/state: browse\n$/);
    expect(transcript).not.toContain('user submits'); // rewound away

    const child = spawn(process.execPath, [join(ROOT, 'bin/chartbot.js'), 'test'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const [code] = await once(child, 'exit');
    expect(output).toContain('PASS test/transcripts/shop-tester.transcript');
    expect(output).toContain('1 passed, 0 failed');
    expect(code).toBe(0);
  }, 60_000);

  it('sends every inbound kind, with several contacts side by side on the business numbers of their flows', async () => {
    // Tester (shop flow, the default number): a list row, a location, an order, a reaction.
    await live('Tester', 'T-shirt (M)').click();
    await chatOf('Tester').getByRole('button', { name: 'More to send' }).click();
    await chatOf('Tester').getByRole('tab', { name: 'Location' }).click();
    await chatOf('Tester').getByRole('button', { name: 'Send location' }).click();
    await eventually(() => logOf('Tester').textContent()).toContain('You are at 52.52, 13.405.');
    await chatOf('Tester').getByRole('tab', { name: 'Order' }).click();
    await chatOf('Tester').getByRole('spinbutton', { name: 'Quantity of Sticker pack' }).fill('3');
    await chatOf('Tester').getByRole('button', { name: 'Send order' }).click();
    await eventually(() => logOf('Tester').textContent()).toContain('Order received: 1 x mug-blue, 3 x stickers.');
    // The order was handled "in any state": the note's line is marked as the last transition.
    expect(await page.locator('svg .note .last').allTextContents()).toEqual([expect.stringContaining('user.order')]);

    // Ben writes to the helpdesk's number: its flow answers, its diagram shows when his chat is selected.
    await page.getByRole('button', { name: '+ Add contact' }).click();
    const form = page.getByRole('form', { name: 'Add a contact' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Ben');
    await form.getByRole('textbox', { name: 'WhatsApp number' }).fill('4915550001');
    await form.getByRole('combobox', { name: 'Business number' }).selectOption('15550002222');
    await form.getByRole('button', { name: 'Add contact' }).click();
    await chatOf('Ben').getByRole('button', { name: 'More to send' }).click();
    await chatOf('Ben').getByRole('tab', { name: 'Opened chat' }).click();
    await chatOf('Ben').getByRole('button', { name: 'Open the chat' }).click();
    await eventually(() => logOf('Ben').textContent()).toContain('Welcome to the helpdesk!');
    await chatOf('Ben').getByRole('tab', { name: 'Media' }).click();
    await chatOf('Ben').getByRole('textbox', { name: 'Caption' }).fill('my cat');
    await chatOf('Ben').getByRole('button', { name: 'Send image' }).click();
    await eventually(() => logOf('Ben').textContent()).toContain('Got your image "my cat".');
    await chatOf('Ben').getByRole('tab', { name: 'Contact card' }).click();
    await chatOf('Ben').getByRole('textbox', { name: 'Name' }).fill('Jane Doe');
    await chatOf('Ben').getByRole('textbox', { name: 'Phone' }).fill('+4915550009');
    await chatOf('Ben').getByRole('button', { name: 'Send contact card' }).click();
    await eventually(() => logOf('Ben').textContent()).toContain('Got 1 contact card(s).');
    await say('Ben', 'hello there');
    await eventually(() => logOf('Ben').textContent()).toContain('Helpdesk here, you wrote: hello there');
    // Every outbound kind, drawn readably (and nothing fetched: media are cards, links are text).
    await say('Ben', 'every kind');
    await eventually(() => logOf('Ben').textContent()).toContain('Where should we deliver?');
    const drawn = (await logOf('Ben').textContent()) ?? '';
    for (const part of ['Your receipt', 'How to', 'invoice.pdf', 'https://example.com/voice.ogg', 'https://example.com/sticker.webp', 'Shop', 'Alexanderplatz 1', '52.52, 13.405', 'Ada Lovelace', '+441234567', 'Open menu', 'https://example.com/menu', 'order_update', '(en)', 'A-1042', '€12.50', 'Order 1042', 'Tap one']) {
      expect(drawn, part).toContain(part);
    }
    expect(await logOf('Ben').locator('strong', { hasText: 'bold' }).count()).toBe(1);
    expect(await logOf('Ben').locator('em', { hasText: 'italic' }).count()).toBe(1);
    expect(await logOf('Ben').locator('blockquote', { hasText: 'a quote' }).count()).toBe(1);
    expect(await logOf('Ben').locator('li', { hasText: 'second' }).count()).toBe(1);
    expect(await live('Ben', 'Coffee').isEnabled()).toBe(false); // a newer interactive message (the location request) replaced it
    expect(await live('Ben', 'Send location').isEnabled()).toBe(true);
    await eventually(() => page.getByRole('region', { name: 'Statechart' }).locator('h2').textContent()).toContain('helpdesk');
    await expectActive('open');
    // Tester's conversation went on untouched.
    expect(await chatOf('Tester').locator('.state-badge').textContent()).toBe('menu');

    await chatOf('Tester').locator('.chat-header').click();
    await eventually(() => page.getByRole('region', { name: 'Statechart' }).locator('h2').textContent()).toContain('shop');
    await browser?.screenshot(page, 'studio-contacts.png');

    // A reaction on a bubble of the bot's.
    await logOf('Tester').getByRole('button', { name: 'Message actions' }).last().click();
    await logOf('Tester').getByRole('button', { name: 'React 👍' }).click();
    await eventually(() => logOf('Tester').textContent()).toContain('Thanks for the 👍');
    expect(tab.problems).toEqual([]);
    expect(tab.external).toEqual([]);
  }, 60_000);
});
