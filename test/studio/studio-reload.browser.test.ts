import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, launchBrowser, type StudioBrowser, type StudioPage } from './helpers/browser.ts';
import { createProject, removeProject, startStudio, type StudioProcess } from './helpers/studio-project.ts';

/** Hot reload in a real browser: the developer edits the flow file while the studio runs. */
let project: string | undefined;
let studio: StudioProcess | undefined;
let browser: StudioBrowser | undefined;
let tab: StudioPage;
let page: Page;
let flowFile: string;

const chat = (): Locator => page.getByRole('region', { name: 'Chat with Tester' });
const chatText = () => chat().getByRole('log').textContent();
const activeStates = (): Promise<string[]> => page.locator('svg [aria-current="true"] > text.state-name').allTextContents();
const stateNames = (): Promise<string[]> => page.locator('svg g.state > text.state-name').allTextContents();
const live = (title: string): Locator => chat().getByRole('log').getByRole('button', { name: title, exact: true }).last();
const edit = async (from: string, to: string) => {
  const source = await readFile(flowFile, 'utf8');
  expect(source).toContain(from);
  await writeFile(flowFile, source.split(from).join(to));
};

beforeAll(async () => {
  project = await createProject({ 'shop.ts': 'shop-flow.ts' });
  flowFile = join(project, 'flows/shop.ts');
  studio = await startStudio(project);
  browser = await launchBrowser();
  tab = await browser.open(studio.url);
  page = tab.page;
  await page.locator('svg g.state > text.state-name', { hasText: 'browse' }).waitFor();
}, 60_000);

afterAll(async () => {
  await tab?.page.close();
  await browser?.close();
  await studio?.stop();
  await removeProject(project);
}, 30_000);

describe('chartbot studio hot reload', () => {
  it('keeps the conversation when its state still exists, and the new version answers', async () => {
    const box = chat().getByRole('textbox', { name: 'Message' });
    await box.fill('hi');
    await box.press('Enter');
    await live('Browse').click();
    await eventually(activeStates).toEqual(['browse']);

    await edit("list('Our products', 'See products'", "list('Our whole catalog', 'See products'");
    await eventually(chatText).toContain('flows/shop.ts reloaded: the conversation stays in state browse.');
    await eventually(activeStates).toEqual(['browse']);
    await live('Blue mug').click();
    await eventually(chatText).toContain('Good choice: Blue mug.');
    await live('Browse').click();
    await eventually(chatText).toContain('Our whole catalog');
    expect(tab.problems).toEqual([]);
  }, 60_000);

  it('restarts the conversation, saying so, when its state is gone from the edited flow', async () => {
    await edit('      browse: {', '      catalog: {');
    await edit("target: 'browse'", "target: 'catalog'");
    await eventually(chatText).toContain("the saved state no longer fits the flow (State 'browse' does not exist on 'shop'), so the conversation restarts.");
    await eventually(stateNames).toContain('catalog');
    expect(await stateNames()).not.toContain('browse');
    expect(await activeStates()).toEqual([]);
    expect(await chat().locator('.state-badge').textContent()).toBe('not started');

    const box = chat().getByRole('textbox', { name: 'Message' });
    await box.fill('hello again');
    await box.press('Enter');
    await eventually(activeStates).toEqual(['menu']);
    await live('Browse').click();
    await eventually(activeStates).toEqual(['catalog']);
    expect(tab.problems).toEqual([]);
  }, 60_000);

  it('shows a syntax error with its file and line, keeps running the last good version, and recovers when fixed', async () => {
    const source = await readFile(flowFile, 'utf8');
    const line = source.split('\n').findIndex((l) => l.includes("initial: 'welcome',")) + 1;
    await edit("initial: 'welcome',", "initial: 'welcome',,");
    const alert = page.getByRole('alert', { name: 'Flow errors' });
    await eventually(() => alert.textContent()).toContain(`flows/shop.ts:${line}:`);
    expect(await alert.textContent()).toMatch(/Expected .* but found ","/);
    await browser?.screenshot(page, 'studio-syntax-error.png');

    // The studio still runs the version that loaded last.
    await live('Blue mug').click();
    await eventually(chatText).toContain('Good choice: Blue mug.');

    await edit("initial: 'welcome',,", "initial: 'welcome',");
    await eventually(() => alert.count()).toBe(0);
    expect(tab.problems).toEqual([]);
    expect(tab.external).toEqual([]);
  }, 60_000);
});
