import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../console/chromium.js';
import { consoleUrlOf } from '../console/console-url.js';
import { startPipelineProcess } from '../runtime/pipeline-process.js';
import { repoRoot } from '../services/config.js';

/** Where the README's console screenshot lives. */
export const CONSOLE_PNG = 'docs/images/console.png';

/**
 * The console of a running local pipeline (demo pulls plus a few HTTP posts, 6-second periods so that the
 * graphs fill within a minute), screenshot in Debian's chromium.
 */
export async function consoleScreenshot(path: string, log: (m: string) => void): Promise<void> {
  const pipeline = await startPipelineProcess(
    [
      '--demo-rate',
      '20',
      '--port',
      '0',
      '--invoke-port',
      '0',
      '--console-port',
      '0',
      '--console-period-seconds',
      '6',
    ],
    { ...process.env, KAFKA_TOPIC: `pictures_${Date.now()}` },
  );
  // The browser tests' launch (Debian chromium, CHROMIUM_PATH, the same flags).
  const browser = await launchChromium();
  try {
    const url = await consoleUrlOf(pipeline);
    log(`console at ${url}; letting the demo traffic fill the graphs for 60 s`);
    const example = JSON.parse(
      readFileSync(join(repoRoot, 'local', 'examples', 'user.json'), 'utf8'),
    ) as object;
    const poster = setInterval(() => {
      void fetch(`${pipeline.apiUrl}/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...pipeline.apiHeaders },
        body: JSON.stringify({ users: [{ ...example, id: crypto.randomUUID() }] }),
      }).catch(() => undefined);
    }, 500);
    await new Promise((r) => setTimeout(r, 60_000));
    clearInterval(poster);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(url);
    await page.waitForSelector('body[data-refreshes="2"]', { timeout: 30_000 });
    await page.screenshot({ path, fullPage: true });
    log(`wrote ${path}`);
  } finally {
    await browser.close();
    await pipeline.stop();
  }
}
