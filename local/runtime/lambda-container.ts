/**
 * One local Lambda container of LambdaContainerPool (a worker thread, or a child process when its memory is
 * to be measured apart): imports the handler bundle once and serves one invocation at a time, with a Lambda
 * context per invocation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { localLambdaContext } from './lambda-context.js';

export interface ContainerRequest {
  readonly id: number;
  readonly event: unknown;
  readonly awsRequestId: string;
  readonly remainingTimeMs: number;
}

export type ContainerResponse =
  | { readonly type: 'ready' }
  /** The handler module could not be loaded (Lambda's Runtime.ImportModuleError). */
  | { readonly type: 'init-error'; readonly errorMessage: string }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly errorType: string;
      readonly errorMessage: string;
      readonly trace?: string;
    };

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Where a container talks to its pool: a worker thread's port, or a child process's IPC channel. */
interface PoolChannel {
  send(message: ContainerResponse): void;
  onRequest(listener: (request: ContainerRequest) => void): void;
}

interface ContainerSettings {
  readonly handlerModule: string;
  readonly exportName: string;
  readonly functionName: string;
}

function poolChannel(): { channel: PoolChannel; settings: ContainerSettings } | undefined {
  if (parentPort) {
    const port = parentPort;
    return {
      channel: { send: (m) => port.postMessage(m), onRequest: (l) => port.on('message', l) },
      settings: workerData as ContainerSettings,
    };
  }
  const raw = process.env.LAMBDA_CONTAINER_SETTINGS;
  if (!process.send || !raw) return undefined;
  // The pool stops a container process with SIGTERM; exiting normally lets Node write what its flags ask for
  // on exit (a --cpu-prof profile), which the default signal action would drop.
  process.once('SIGTERM', () => process.exit(0));
  return {
    channel: {
      send: (m) => process.send?.(m),
      onRequest: (l) => process.on('message', (m) => l(m as ContainerRequest)),
    },
    settings: JSON.parse(raw) as ContainerSettings,
  };
}

const connection = poolChannel();
if (connection) {
  const { channel, settings } = connection;
  const { handlerModule, exportName, functionName } = settings;
  let handler: unknown;
  try {
    const module = (await import(handlerModule)) as Record<string, unknown>;
    handler = module[exportName];
    if (typeof handler !== 'function') {
      throw new TypeError(`${handlerModule} does not export a function "${exportName}"`);
    }
  } catch (error) {
    channel.send({
      type: 'init-error',
      errorMessage: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  channel.onRequest((request) => {
    const context: Context = {
      ...localLambdaContext(functionName, request.remainingTimeMs),
      awsRequestId: request.awsRequestId,
    };
    (handler as Handler)(request.event, context).then(
      (result) => channel.send({ type: 'result', id: request.id, result }),
      (error: unknown) =>
        channel.send({
          type: 'error',
          id: request.id,
          errorType: error instanceof Error ? error.name : 'Error',
          errorMessage: error instanceof Error ? error.message : String(error),
          ...(error instanceof Error && error.stack ? { trace: error.stack } : {}),
        }),
    );
  });
  channel.send({ type: 'ready' });
}
