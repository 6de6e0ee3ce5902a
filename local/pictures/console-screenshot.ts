import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot } from '../../tools/repo-root.js';
import { launchChromium } from '../console/chromium.js';
import { consoleUrlOf } from '../console/console-url.js';
import { type PipelineProcess, startPipelineProcess } from '../runtime/pipeline-process.js';
import {
  CONSOLE_DEFINITION_SHA256,
  defaultConsoleDefinition,
  definitionSha256,
} from './console-definition.js';

/** Where the README's console screenshot lives. */
export const CONSOLE_PNG = 'docs/images/console.png';

export class PictureDefinitionMismatchError extends Error {
  override readonly name = 'PictureDefinitionMismatchError';
}

/**
 * The console of a running local pipeline with `npm start`'s defaults (demo pulls plus a few HTTP posts; the
 * graphs' 10 s periods fill within a minute), screenshot in Debian's chromium. The hash of the definition it
 * served is written beside the picture ({@link CONSOLE_DEFINITION_SHA256}).
 */
export async function consoleScreenshot(path: string, log: (m: string) => void): Promise<void> {
  // The browser tests' launch (Debian chromium, CHROMIUM_PATH, the same flags); first, so that a missing
  // chromium leaves no pipeline behind.
  const browser = await launchChromium();
  try {
    const pipeline = await startPipelineProcess(
      ['--demo-rate', '20', '--port', '0', '--invoke-port', '0', '--console-port', '0'],
      // The default failure topic, as a plain `npm start` has it: the picture shows the failure-path row.
      { ...process.env, KAFKA_TOPIC: `pictures_${Date.now()}`, KAFKA_FAILURE_TOPIC: '' },
    );
    try {
      await pictureOf(pipeline, browser, path, log);
    } finally {
      await pipeline.stop();
    }
  } finally {
    await browser.close();
  }
}

async function pictureOf(
  pipeline: PipelineProcess,
  browser: Browser,
  path: string,
  log: (m: string) => void,
): Promise<void> {
  const url = await consoleUrlOf(pipeline);
  log(`console at ${url}; letting the demo traffic fill the graphs for 70 s`);
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
  await new Promise((r) => setTimeout(r, 70_000));
  clearInterval(poster);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.waitForSelector('body[data-refreshes="2"]', { timeout: 30_000 });
  await page.screenshot({ path, fullPage: true });
  log(`wrote ${path}`);
  const served = definitionSha256(await (await fetch(`${url}/api/definition`)).json());
  if (served !== definitionSha256(defaultConsoleDefinition()))
    throw new PictureDefinitionMismatchError(
      "the console served another definition than a default `npm start`'s; is KAFKA_FAILURE_TOPIC or a stage set?",
    );
  writeFileSync(join(repoRoot, CONSOLE_DEFINITION_SHA256), `${served}\n`);
  log(`wrote ${CONSOLE_DEFINITION_SHA256}`);
}
