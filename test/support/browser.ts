import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export { launchChromium } from '../../local/console/chromium.js';

import { consoleUrlOf } from '../../local/console/console-url.js';
import type { PipelineProcess } from '../../local/runtime/pipeline-process.js';
import { repoRoot } from '../../tools/repo-root.js';

/** The pipeline's local console in a new page (1400 px wide), once the page has drawn its first refresh. */
export async function openConsole(
  browser: Browser,
  pipeline: PipelineProcess,
  height: number,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height } });
  await page.goto(await consoleUrlOf(pipeline));
  await page.waitForSelector('body[data-refreshes]');
  return page;
}

/** Where browser tests save their screenshots (git-ignored). */
export function screenshotPath(name: string): string {
  const dir = join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** Number of points a console widget draws and its series' latest values (data-* the page keeps). */
export async function widgetReading(
  page: Page,
  widgetId: string,
): Promise<{ points: number; latest: (number | null)[] }> {
  const box = page.locator(`#widget-${widgetId}`);
  const points = Number((await box.getAttribute('data-points')) ?? 0);
  const latest = JSON.parse((await box.getAttribute('data-latest')) ?? '[]') as (number | null)[];
  return { points, latest };
}

/** The state an alarm badge shows. */
export async function alarmState(page: Page, alarmId: string): Promise<string | undefined> {
  return (await page.locator(`#alarm-${alarmId}`).getAttribute('data-state')) ?? undefined;
}
