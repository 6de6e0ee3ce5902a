import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { repoRoot } from '../../tools/repo-root.js';
import type { ContainerRequest, ContainerResponse } from './lambda-container.js';

export interface LambdaContainerPoolOptions {
  /** The handler's TypeScript module (a `file:` URL), e.g. lambdas/ingest-http/handler.ts. */
  readonly handlerModule: URL;
  /** @default 'handler' */
  readonly exportName?: string;
  /** Most containers at once, like the function's concurrency limit. */
  readonly maxContainers: number;
  readonly functionName: string;
  /**
   * 'thread': a worker thread per container (cheap). 'process': a child process per container, so that a
   * container's memory (RSS) can be measured as Lambda's would be. @default 'thread'
   */
  readonly isolation?: 'thread' | 'process';
  /**
   * Node.js flags of each container process ('process' isolation), e.g. `--cpu-prof` for the bench's
   * `--profile`. @default []
   */
  readonly execArgv?: readonly string[];
  /**
   * The function's own environment variables over this process's, as each Lambda function has its own (e.g.
   * the verification function's PG* log in as pipeline_reader while the processor's log in as
   * pipeline_writer). @default {} (this process's environment)
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/** One container's thread or process, behind one interface. */
interface ContainerHandle {
  readonly pid: number | undefined;
  send(request: ContainerRequest): void;
  onMessage(listener: (message: ContainerResponse) => void): void;
  /** The container died or could not start. */
  onFailure(listener: (error: Error) => void): void;
  stop(): Promise<void>;
}

function threadContainer(entry: string, settings: object, env: NodeJS.ProcessEnv): ContainerHandle {
  const worker = new Worker(new URL(entry), { workerData: settings, env });
  worker.unref();
  return {
    pid: undefined,
    send: (request) => worker.postMessage(request),
    onMessage: (listener) => worker.on('message', listener),
    onFailure: (listener) => worker.on('error', listener),
    stop: async () => {
      await worker.terminate();
    },
  };
}

function processContainer(
  entry: string,
  settings: object,
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): ContainerHandle {
  const child = fork(fileURLToPath(entry), [], {
    env: { ...env, LAMBDA_CONTAINER_SETTINGS: JSON.stringify(settings) },
    execArgv: [...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let stopping = false;
  return {
    pid: child.pid,
    send: (request) => child.send(request),
    onMessage: (listener) => child.on('message', listener),
    onFailure: (listener) => {
      child.on('error', listener);
      child.on('exit', (code, signal) => {
        if (!stopping) listener(new Error(`container process exited (${signal ?? code})`));
      });
    },
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A handler failure carried back from a container, as Lambda reports a function error. */
export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly trace?: string,
  ) {
    super(message);
    this.name = 'LambdaFunctionError';
  }
}

interface Container {
  handle: ContainerHandle | undefined;
  busy: boolean;
  /** The invocation it is serving, if any. */
  current: number | undefined;
  /** Invocations it has taken: the first idle container takes the next, so the work is uneven. */
  invocations: number;
  readonly ready: Promise<void>;
}

let poolCount = 0;

/** Bundle directories are named <function>-<pid>-<n>; those of processes that ended (killed) are removed. */
function removeBundlesOfEndedProcesses(parent: string): void {
  for (const entry of readdirSync(parent)) {
    const pid = Number(/-(\d+)-\d+$/.exec(entry)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
}

type Waiter = { resolve: (result: unknown) => void; reject: (error: Error) => void };

/**
 * Lambda's concurrency model for local adapters: each container (a worker thread) loads the handler once, with
 * its own module-scope clients, and serves ONE invocation at a time; concurrent invocations get more
 * containers (started on demand: cold starts) up to `maxContainers`, beyond which they queue. Without it,
 * every concurrent request of a local server would share one set of clients (e.g. one Kafka producer with a
 * single in-flight request), which is not how the function behaves in AWS.
 */
export class LambdaContainerPool {
  private readonly containers: Container[] = [];
  private readonly waiting: Array<(container: Container) => void> = [];
  private readonly pending = new Map<number, Waiter>();
  private nextId = 0;
  private closed = false;
  private bundle: Promise<{ handler: string; container: string }> | undefined;
  private bundleDir: string | undefined;

  constructor(private readonly options: LambdaContainerPoolOptions) {
    if (!Number.isInteger(options.maxContainers) || options.maxContainers < 1) {
      throw new RangeError(`maxContainers must be a whole number ≥ 1, got ${options.maxContainers}`);
    }
  }

  /** Process ids of the running containers ('process' isolation), e.g. to read their memory. */
  containerPids(): number[] {
    return this.containerStats().map((c) => c.pid);
  }

  /** Each running container's process id ('process' isolation) and the invocations it has taken so far. */
  containerStats(): { pid: number; invocations: number }[] {
    return this.containers.flatMap((c) =>
      c.handle?.pid === undefined ? [] : [{ pid: c.handle.pid, invocations: c.invocations }],
    );
  }

  /** Containers started so far (they stay warm until close). */
  get size(): number {
    return this.containers.length;
  }

  /** Invokes the handler in a free container; the context's identity fields travel, its functions are rebuilt. */
  async invoke<Result>(
    event: unknown,
    context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  ): Promise<Result> {
    const container = await this.acquire();
    container.invocations++;
    try {
      await container.ready;
      const id = this.nextId++;
      const request: ContainerRequest = {
        id,
        event,
        awsRequestId: context.awsRequestId,
        remainingTimeMs: context.getRemainingTimeInMillis(),
      };
      const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
      container.current = id;
      (container.handle as ContainerHandle).send(request);
      return (await result) as Result;
    } finally {
      container.current = undefined;
      this.release(container);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.containers.map((c) => c.handle?.stop()));
    this.containers.length = 0;
    if (this.bundleDir) rmSync(this.bundleDir, { recursive: true, force: true });
  }

  private acquire(): Promise<Container> {
    if (this.closed) {
      return Promise.reject(new Error(`${this.options.functionName}: the container pool is closed`));
    }
    const idle = this.containers.find((c) => !c.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.containers.length < this.options.maxContainers) {
      const container = this.startContainer();
      container.busy = true;
      return Promise.resolve(container);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(container: Container): void {
    if (!this.containers.includes(container)) {
      // It failed to start or crashed: hand a queued invocation a fresh container instead.
      const next = this.waiting.shift();
      if (next) {
        const fresh = this.startContainer();
        fresh.busy = true;
        next(fresh);
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(container);
    else container.busy = false;
  }

  /**
   * The handler's project code, bundled once by esbuild (dependencies stay in node_modules): a container starts
   * by importing plain JavaScript, as a Lambda container imports its bundle, instead of transpiling every
   * TypeScript module again in each worker.
   */
  private bundleHandler(): Promise<{ handler: string; container: string }> {
    this.bundle ??= (async () => {
      const entry = fileURLToPath(this.options.handlerModule);
      // One directory per pool: two pools (tests, two servers) never write over each other's bundle.
      const outdir = join(
        repoRoot,
        '.cache',
        'local-lambda',
        `${this.options.functionName}-${process.pid}-${poolCount++}`,
      );
      this.bundleDir = outdir;
      mkdirSync(outdir, { recursive: true });
      removeBundlesOfEndedProcesses(dirname(outdir));
      const esbuild = await import('esbuild');
      await esbuild.build({
        entryPoints: {
          handler: entry,
          container: fileURLToPath(new URL('./lambda-container.ts', import.meta.url)),
        },
        outdir,
        outExtension: { '.js': '.mjs' },
        bundle: true,
        packages: 'external',
        platform: 'node',
        format: 'esm',
        target: `node${process.versions.node.split('.')[0]}`,
        sourcemap: 'inline',
        logLevel: 'silent',
      });
      return {
        handler: pathToFileURL(join(outdir, 'handler.mjs')).href,
        container: pathToFileURL(join(outdir, 'container.mjs')).href,
      };
    })();
    return this.bundle;
  }

  private startContainer(): Container {
    const container: Container = {
      handle: undefined,
      busy: false,
      current: undefined,
      invocations: 0,
      ready: Promise.resolve(),
    };
    const ready = this.bundleHandler().then((bundle) => this.launch(container, bundle));
    Object.assign(container, { ready });
    this.containers.push(container);
    // A container that cannot start is dropped, so a later invocation tries a fresh one.
    ready.catch(() => this.remove(container));
    return container;
  }

  private remove(container: Container): void {
    const index = this.containers.indexOf(container);
    if (index >= 0) this.containers.splice(index, 1);
  }

  private launch(container: Container, bundle: { handler: string; container: string }): Promise<void> {
    const workerData = {
      handlerModule: bundle.handler,
      exportName: this.options.exportName ?? 'handler',
      functionName: this.options.functionName,
    };
    const env = { ...process.env, ...this.options.environment };
    const handle =
      this.options.isolation === 'process'
        ? processContainer(bundle.container, workerData, this.options.execArgv ?? [], env)
        : threadContainer(bundle.container, workerData, env);
    container.handle = handle;
    const name = this.options.functionName;
    let started = false;
    const ready = new Promise<void>((resolve, reject) => {
      handle.onMessage((message) => {
        if (message.type === 'ready') {
          started = true;
          resolve();
          return;
        }
        if (message.type === 'init-error') {
          reject(new LambdaFunctionError('Runtime.ImportModuleError', `${name}: ${message.errorMessage}`));
          return;
        }
        // Every later message answers an invocation.
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.type === 'result') waiter.resolve(message.result);
        else waiter.reject(new LambdaFunctionError(message.errorType, message.errorMessage, message.trace));
      });
      handle.onFailure((error) => {
        if (!started) {
          reject(new LambdaFunctionError('Runtime.ImportModuleError', `${name}: ${error.message}`));
          return;
        }
        // A crashed container fails its invocation and is replaced on demand, as Lambda replaces a container.
        const id = container.current;
        const waiter = id === undefined ? undefined : this.pending.get(id);
        if (id !== undefined && waiter) {
          this.pending.delete(id);
          waiter.reject(new LambdaFunctionError('Runtime.ExitError', `${name}: ${error.message}`));
        }
        this.remove(container);
      });
    });
    return ready;
  }
}
