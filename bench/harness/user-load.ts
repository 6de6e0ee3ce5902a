/**
 * The load of the console's runs: fresh users POSTed to the pipeline's HTTP API at a fixed rate, open loop
 * (the clock decides when a request goes, not the answers), in requests of {@link USERS_PER_REQUEST}.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { PipelineProcess } from '../../local/runtime/pipeline-process.js';
import { userPayload } from '../../test/support/user-events.js';
import { isStaleKeepAliveReset } from './keep-alive.js';
import { usersDue } from './open-loop.js';

/** Users per POST, as a client batching its pushes would send them. */
export const USERS_PER_REQUEST = 10;
/** How often the load generator checks which users are due. */
const TICK_MS = 20;

/** Where the load goes: the pipeline's HTTP API and the headers that let a caller in (its API key). */
export type ApiTarget = Pick<PipelineProcess, 'apiUrl' | 'apiHeaders'>;

/** The request sizes that send `due - sent` more users, at most {@link USERS_PER_REQUEST} each. */
export function requestSizes(sent: number, due: number): number[] {
  const sizes: number[] = [];
  for (let next = sent; next < due; next += USERS_PER_REQUEST)
    sizes.push(Math.min(USERS_PER_REQUEST, due - next));
  return sizes;
}

/** One POST of `count` fresh users; resolves with the users accepted (202), 0 on any other answer or error. */
function postUsers(api: ApiTarget, agent: Agent, count: number): Promise<number> {
  const template = userPayload(7);
  const body = JSON.stringify({
    users: Array.from({ length: count }, () => ({ ...template, id: randomUUID() })),
  });
  return sendUsers(api, agent, body, count);
}

function sendUsers(api: ApiTarget, agent: Agent, body: string, count: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `${api.apiUrl}/v1/users`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', ...api.apiHeaders } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 202 ? count : 0));
      },
    );
    // A refused user is counted as not accepted: the figure then shows the runs did unequal work. A request
    // sent on a keep-alive socket the server was closing never reached it: it goes again.
    req.on('error', (error) =>
      isStaleKeepAliveReset(req, error) ? resolve(sendUsers(api, agent, body, count)) : resolve(0),
    );
    req.end(body);
  });
}

/** POSTs `ratePerSecond` users a second for `seconds`; resolves with the users accepted once all answered. */
export async function offerLoad(api: ApiTarget, ratePerSecond: number, seconds: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const total = ratePerSecond * seconds;
  const answers: Promise<number>[] = [];
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = usersDue(performance.now() - started, ratePerSecond, total);
    for (const size of requestSizes(sent, due)) answers.push(postUsers(api, agent, size));
    sent = Math.max(sent, due);
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  const accepted = (await Promise.all(answers)).reduce((sum, n) => sum + n, 0);
  agent.destroy();
  return accepted;
}
