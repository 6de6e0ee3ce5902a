/**
 * The local console in a real browser (Debian chromium via playwright-core): users POSTed to the local
 * pipeline show up in the throughput and latency widgets, drawn from the handlers' own EMF output.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineProcess, startPipelineProcess } from '../../local/runtime/pipeline-process.js';
import { launchChromium, openConsole, screenshotPath, widgetReading } from '../support/browser.js';
import { uniqueName } from '../support/local-services.js';
import { userPayload } from '../support/user-events.js';

let pipeline: PipelineProcess;
let browser: Browser;
let page: Page;

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
      '6',
    ],
    { ...process.env, KAFKA_TOPIC: uniqueName('users_created_console') },
  );
  browser = await launchChromium();
  page = await openConsole(browser, pipeline, 1800);
});

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

async function postUsers(count: number): Promise<void> {
  const users = Array.from({ length: count }, (_, i) => userPayload(i));
  const response = await fetch(`${pipeline.apiUrl}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...pipeline.apiHeaders },
    body: JSON.stringify({ users }),
  });
  expect(response.status).toBe(202);
}

/** Waits until the widget draws more points than `before` (the page refreshes every 2 s). */
async function morePoints(page: Page, widgetId: string, before: number): Promise<void> {
  await page.waitForFunction(
    `Number(document.getElementById('widget-${widgetId}')?.dataset.points ?? 0) > ${before}`,
    undefined,
    { timeout: 60_000 },
  );
}

describe('local console', () => {
  it('draws every widget of the local definition, with a runbook link per alarm', async () => {
    const definition = (await (await fetch(`${page.url()}api/definition`)).json()) as {
      segments: { rows: { widgets: { id: string }[] }[] }[];
      alarms: { id: string }[];
    };
    const ids = definition.segments.flatMap((s) => s.rows.flatMap((r) => r.widgets.map((w) => w.id)));
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids)
      await expect(page.locator(`#widget-${id} canvas`).count()).resolves.toBeGreaterThan(0);
    for (const alarm of definition.alarms) {
      const href = await page.locator(`#alarm-${alarm.id} a`).getAttribute('href');
      expect(href).toBe(`/docs/runbook.md#${alarm.id}`);
    }
  });

  it('shows posted users in the throughput and latency widgets', async () => {
    const recordsBefore = await widgetReading(page, 'processor-records');
    const latencyBefore = await widgetReading(page, 'processor-end-to-end-latency');
    for (let i = 0; i < 5; i++) await postUsers(20);
    // The page refreshes every 2 s; the processor's EMF reaches the console once each batch is written.
    await morePoints(page, 'processor-records', recordsBefore.points);
    await morePoints(page, 'processor-end-to-end-latency', latencyBefore.points);
    const records = await widgetReading(page, 'processor-records');
    expect(records.latest[0]).toBeGreaterThan(0); // RecordsValid in the latest period
    // End-to-end p50/p90/p99 from the processor's per-user EndToEndLatency values (ms since ingested_at).
    const latency = await widgetReading(page, 'processor-end-to-end-latency');
    for (const percentile of latency.latest.slice(0, 3)) expect(percentile).toBeGreaterThan(0);
    const requests = await widgetReading(page, 'ingestion-requests');
    expect(requests.latest[0]).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('console-live'), fullPage: true });
  });
});
