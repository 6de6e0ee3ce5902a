import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoRoot } from '../../local/services/config.js';

/** Debian's chromium (apt), as CI installs it; playwright cannot download browsers here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
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
