/**
 * The local console's processor-errors alarm follows a Cassandra outage, in a real browser: Cassandra is
 * killed under traffic, the alarm turns ALARM; Cassandra is restarted, it turns OK again. This kills a
 * service: `npm run test:faults` runs it against services of its own (never the shared ones).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineProcess, startPipelineProcess } from '../../local/runtime/pipeline-process.js';
import { bringUp, createLocalServices } from '../../local/services/service-runner.js';
import { alarmState, launchChromium, openConsole, screenshotPath } from '../support/browser.js';
import { services, uniqueName } from '../support/local-services.js';
import { userPayload } from '../support/user-events.js';
import { killService } from './support.js';

// One CloudWatch minute lasts 12 s here: longer than the bridge's longest retry backoff (10 s), so every
// period of the outage holds a failed invocation, as every minute would in AWS.
const PERIOD_SECONDS = 12;
const log = (message: string) => console.error(`[console-alarm] ${message}`);

let pipeline: PipelineProcess;
let browser: Browser;
let page: Page;
let traffic: NodeJS.Timeout | undefined;

beforeAll(async () => {
  pipeline = await startPipelineProcess(
    [
      '--no-demo',
      '--port',
      '0',
      '--invoke-port',
      '0',
      '--console-port',
      '0',
      '--console-period-seconds',
      String(PERIOD_SECONDS),
    ],
    { ...process.env, KAFKA_TOPIC: uniqueName('users_created_console_alarm') },
  );
  browser = await launchChromium();
  page = await openConsole(browser, pipeline, 1000);
  // Steady traffic: five users a second, whatever the answers.
  let index = 0;
  traffic = setInterval(() => {
    const users = Array.from({ length: 5 }, () => userPayload(index++));
    void fetch(`${pipeline.apiUrl}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...pipeline.apiHeaders },
      body: JSON.stringify({ users }),
    }).catch(() => undefined);
  }, 1_000);
});

afterAll(async () => {
  clearInterval(traffic);
  await browser?.close();
  await pipeline?.stop();
});

async function waitForAlarm(state: string, timeoutMs: number): Promise<void> {
  await page.waitForSelector(`#alarm-processor-errors[data-state="${state}"]`, { timeout: timeoutMs });
}

describe('console alarm under a Cassandra outage', () => {
  it('turns processor-errors to ALARM while Cassandra is down and back to OK after its restart', async () => {
    await waitForAlarm('OK', 60_000);
    log(`SIGKILL cassandra (pid ${killService('cassandra')})`);
    await waitForAlarm('ALARM', 8 * PERIOD_SECONDS * 1000);
    expect(await alarmState(page, 'processor-errors')).toBe('ALARM');
    await page.screenshot({ path: screenshotPath('console-alarm'), fullPage: false });
    log('processor-errors is ALARM; restarting cassandra');
    await bringUp(
      createLocalServices(services).filter((s) => s.name === 'cassandra'),
      log,
    );
    await waitForAlarm('OK', 300_000);
    expect(await alarmState(page, 'processor-errors')).toBe('OK');
    await page.screenshot({ path: screenshotPath('console-alarm-recovered'), fullPage: false });
  });
});
