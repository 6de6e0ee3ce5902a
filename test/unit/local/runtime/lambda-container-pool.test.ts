import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LambdaContainerPool, LambdaFunctionError } from '../../../../local/runtime/lambda-container-pool.js';

interface ProbeResult {
  threadId: number;
  pid: number;
  loadedAt: number;
  invocations: number;
  functionName: string;
  awsRequestId: string;
  remainingMs: number;
  pgUser: string | undefined;
}

const context = (awsRequestId: string) => ({ awsRequestId, getRemainingTimeInMillis: () => 10_000 });
let pool: LambdaContainerPool | undefined;

let isolation: 'thread' | 'process' = 'thread';

function newPool(maxContainers: number) {
  pool = new LambdaContainerPool({
    handlerModule: new URL('./fixtures/container-probe-handler.ts', import.meta.url),
    functionName: 'probe',
    maxContainers,
    isolation,
  });
  return pool;
}

/** Which container served an invocation: a thread id, or a process id. */
const containerOf = (r: ProbeResult) => (isolation === 'thread' ? `t${r.threadId}` : `p${r.pid}`);

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe.each(['thread', 'process'] as const)('LambdaContainerPool (%s containers)', (mode) => {
  beforeAll(() => {
    isolation = mode;
  });

  it('runs the handler in a container with the function name, request id and remaining time', async () => {
    const result = await newPool(2).invoke<ProbeResult>({}, context('req-1'));
    expect(result.functionName).toBe('probe');
    expect(result.awsRequestId).toBe('req-1');
    expect(result.remainingMs).toBeGreaterThan(9_000);
    expect(result.remainingMs).toBeLessThanOrEqual(10_000);
    if (mode === 'thread')
      expect(result.threadId).toBeGreaterThan(0); // not the main thread
    else expect(result.pid).not.toBe(process.pid);
  });

  it('reuses a warm container for sequential invocations (module loaded once)', async () => {
    const p = newPool(4);
    const first = await p.invoke<ProbeResult>({}, context('a'));
    const second = await p.invoke<ProbeResult>({}, context('b'));
    expect(containerOf(second)).toBe(containerOf(first));
    expect(second.loadedAt).toBe(first.loadedAt);
    expect(second.invocations).toBe(2);
    expect(p.size).toBe(1);
  });

  it('serves concurrent invocations from separate containers, never more than the limit', async () => {
    const p = newPool(2);
    await Promise.all([p.invoke({}, context('warm-1')), p.invoke({}, context('warm-2'))]);
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => p.invoke<ProbeResult>({ delayMs: 100 }, context(`c${i}`))),
    );
    const elapsed = performance.now() - started;
    expect(new Set(results.map(containerOf)).size).toBe(2);
    if (mode === 'process') {
      expect(p.containerPids()).toHaveLength(2);
      // 2 warm-up calls and 6 more, each counted by the container that took it.
      const stats = p.containerStats();
      expect(stats.map((c) => c.pid)).toEqual(p.containerPids());
      expect(stats.reduce((sum, c) => sum + c.invocations, 0)).toBe(8);
    }
    expect(p.size).toBe(2);
    // One invocation at a time per container: six 100 ms calls over two containers take three rounds.
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });

  it('reports a handler error as a function error with its type and message', async () => {
    const p = newPool(1);
    const failure = p.invoke({ fail: 'store unavailable' }, context('f'));
    await expect(failure).rejects.toBeInstanceOf(LambdaFunctionError);
    await expect(failure).rejects.toMatchObject({
      errorType: 'ProbeFailureError',
      message: 'store unavailable',
    });
    // The container survives a function error, as a Lambda container does.
    const after = await p.invoke<ProbeResult>({}, context('g'));
    expect(after.invocations).toBe(2);
  });

  it('fails the invocation of a crashed container and serves the next one from a fresh container', async () => {
    const p = newPool(1);
    const before = await p.invoke<ProbeResult>({}, context('before'));
    await expect(p.invoke({ crash: true }, context('crash'))).rejects.toMatchObject({
      errorType: 'Runtime.ExitError',
    });
    const after = await p.invoke<ProbeResult>({}, context('after'));
    expect(containerOf(after)).not.toBe(containerOf(before));
    expect(after.invocations).toBe(1);
  });

  it('fails clearly when the module does not export the handler', async () => {
    pool = new LambdaContainerPool({
      isolation,
      handlerModule: new URL('./fixtures/container-probe-handler.ts', import.meta.url),
      exportName: 'missing',
      functionName: 'probe',
      maxContainers: 1,
    });
    await expect(pool.invoke({}, context('x'))).rejects.toThrow(/does not export a function "missing"/);
  });

  it('gives the function its own environment over this process’s, as each Lambda function has one', async () => {
    pool = new LambdaContainerPool({
      isolation,
      handlerModule: new URL('./fixtures/container-probe-handler.ts', import.meta.url),
      functionName: 'probe',
      maxContainers: 1,
      environment: { PGUSER: 'pipeline_reader' },
    });
    expect((await pool.invoke<ProbeResult>({}, context('env'))).pgUser).toBe('pipeline_reader');
    expect(process.env.PGUSER).not.toBe('pipeline_reader');
  });

  it('rejects a limit below one', () => {
    expect(() => newPool(0)).toThrow(/maxContainers must be a whole number/);
  });
});
