/**
 * `npm run bench:console`: what the local console costs the pipeline. The whole local pipeline (`npm start`
 * as a child process) takes users at a fixed rate twice, once with `--no-console` and once with the console
 * on and a client polling it as the page does; the pipeline process's CPU (all its threads, /proc/<pid>/stat)
 * is compared. The machine may be shared: the figure is only as steady as the machine is idle.
 *
 *   npm run bench:console -- [--rate 500] [--seconds 30]
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { exitWithUsage, parseCli } from '../local/cli/args.js';
import { consoleUrlOf } from '../local/console/console-url.js';
import { startPipelineProcess } from '../local/runtime/pipeline-process.js';
import { readLocalServicesSettings } from '../local/services/config.js';
import { userPayload } from '../test/support/user-events.js';
import { BenchStores, benchEnvironment } from './lib/bench-stores.js';
import { parseProcStat } from './lib/process-sampler.js';

const USAGE = `usage: npm run bench:console -- [options]

Runs the local pipeline at a fixed rate with the console off, then on, and compares their CPU.

options:
  --rate N      users offered per second, 1-5000 (default 500)
  --seconds N   measured seconds per run, 10-600 (default 30)
  -h, --help    show this help`;

const { values } = parseCli({
  usage: USAGE,
  options: { rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '30' } },
});

/** A flag's whole-number value; a bad one ends the command (usage, exit 2) before anything starts. */
function whole(flag: 'rate' | 'seconds', min: number, max: number): number {
  const value = Number(values[flag]);
  if (!Number.isInteger(value) || value < min || value > max)
    exitWithUsage(USAGE, `--${flag} must be a whole number from ${min} to ${max}, got "${values[flag]}"`);
  return value;
}

const cpuSeconds = (pid: number) => parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuTicks / 100;

/** POSTs `rate` users a second (10 per request) for `seconds`; resolves when every answer arrived. */
async function offerLoad(apiUrl: string, rate: number, seconds: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const template = userPayload(7);
  let accepted = 0;
  const post = (count: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify({
        users: Array.from({ length: count }, () => ({ ...template, id: randomUUID() })),
      });
      const req = request(
        `${apiUrl}/v1/users`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 202) accepted += count;
            resolve();
          });
        },
      );
      req.on('error', () => {
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  let sent = 0;
  const total = rate * seconds;
  const sends: Promise<void>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    while (sent < due) {
      const count = Math.min(10, due - sent);
      sent += count;
      sends.push(post(count));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(sends);
  agent.destroy();
  return accepted;
}

interface Measured {
  /** The pipeline process's CPU, % of one core. */
  readonly cpuPercent: number;
  /** The console's own synchronous work in that process, % of one core (console on only). */
  readonly consolePercent?: number;
  readonly accepted: number;
}

async function consoleBusyMs(url: string): Promise<number> {
  const state = (await (await fetch(`${url}/api/state`)).json()) as { console: { busyMs: number } };
  return state.console.busyMs;
}

async function measure(withConsole: boolean, rate: number, seconds: number): Promise<Measured> {
  const settings = readLocalServicesSettings();
  const topic = `bench_console_${Date.now()}_${withConsole ? 'on' : 'off'}`;
  const pipeline = await startPipelineProcess(
    [
      '--no-demo',
      '--port',
      '0',
      '--invoke-port',
      '0',
      ...(withConsole ? ['--console-port', '0'] : ['--no-console']),
    ],
    benchEnvironment(settings, { KAFKA_TOPIC: topic }),
  );
  const pid = pipeline.child.pid as number;
  const consoleUrl = withConsole ? await consoleUrlOf(pipeline) : undefined;
  // A page polls the state every 2 s; so does this client while the console is measured.
  const poller = consoleUrl
    ? setInterval(() => void fetch(`${consoleUrl}/api/state`).then((r) => r.text()), 2_000)
    : undefined;
  try {
    await offerLoad(pipeline.apiUrl, Math.min(rate, 50), 3); // warm-up: containers, producers, group join
    const before = cpuSeconds(pid);
    const busyBefore = consoleUrl ? await consoleBusyMs(consoleUrl) : 0;
    const started = performance.now();
    const accepted = await offerLoad(pipeline.apiUrl, rate, seconds);
    const elapsed = (performance.now() - started) / 1000;
    const cpuPercent = ((cpuSeconds(pid) - before) / elapsed) * 100;
    if (!consoleUrl) return { cpuPercent, accepted };
    const consolePercent = (((await consoleBusyMs(consoleUrl)) - busyBefore) / 1000 / elapsed) * 100;
    return { cpuPercent, consolePercent, accepted };
  } finally {
    clearInterval(poller);
    await pipeline.stop();
  }
}

async function main(rate: number, seconds: number): Promise<void> {
  const stores = await BenchStores.open(readLocalServicesSettings());
  await stores.close();
  const off = await measure(false, rate, seconds);
  console.log(
    `console off: pipeline process ${off.cpuPercent.toFixed(1)} % of one core (${off.accepted} users accepted)`,
  );
  const on = await measure(true, rate, seconds);
  console.log(
    `console on:  pipeline process ${on.cpuPercent.toFixed(1)} % of one core (${on.accepted} users accepted)`,
  );
  console.log(
    `console's own work (EMF parsing, storing, graphs, alarms) at ${rate} events/s: ${on.consolePercent?.toFixed(2)} % of one core`,
  );
  console.log(
    `whole-process difference on - off: ${(on.cpuPercent - off.cpuPercent).toFixed(1)} % of one core (shared machine: noisy)`,
  );
}

const rate = whole('rate', 1, 5_000);
const seconds = whole('seconds', 10, 600);
main(rate, seconds).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
