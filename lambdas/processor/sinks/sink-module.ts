import type { Env } from '../../shared/config.js';
import type { StructuredLogger } from '../../shared/logger.js';
import { type SinkMetricNames, sinkMetricNames } from '../metric-names.js';
import type { Sink } from '../process-batch.js';

/** A sink's client for the container's life: created once, reused by every invocation. */
export interface SinkClient<Client> {
  /** The connected client; a failed connect is retried on the next call instead of being cached. */
  connect(): Promise<Client>;
  /** Ends the client's connections (the local mirror and tests; Lambda discards the frozen container). */
  close(): Promise<void>;
}

/** What a sink's folder writes: its name and how to read its settings, create its client and build its Sink. */
export interface SinkDefinition<Name extends string, Settings, Client> {
  /** Lower-case; the Sink's own `name`, its metric names and the dashboard row (`postgres` → Postgres…). */
  readonly name: Name;
  /** The sink's settings from the environment; throws a typed error naming the variable when misconfigured. */
  readSettings(env: Env): Settings;
  /** The container's client; no connection is opened before `connect()`. */
  createClient(settings: Settings, logger: StructuredLogger): SinkClient<Client>;
  /** The Sink of one invocation, on the connected client. */
  createSink(client: Client, settings: Settings): Sink;
}

/** One sink of the processor (a folder under lambdas/processor/sinks/, listed once in sinks/index.ts). */
export interface SinkModule<Name extends string = string, Settings = unknown, Client = unknown>
  extends SinkDefinition<Name, Settings, Client> {
  /** The metrics the handler emits for the sink, the names the dashboards and alarms read. */
  readonly metricNames: SinkMetricNames;
}

/** A sink module from its definition; its metric names derive from its name. */
export function defineSink<const Name extends string, Settings, Client>(
  definition: SinkDefinition<Name, Settings, Client>,
): SinkModule<Name, Settings, Client> {
  return { ...definition, metricNames: sinkMetricNames(definition.name) };
}

/** Thrown when a module's Sink reports another name than the module: metrics and failures would be misnamed. */
export class SinkNameMismatchError extends Error {
  constructor(
    readonly moduleName: string,
    readonly sinkName: string,
  ) {
    super(`sink module ${moduleName} built a sink named ${sinkName}`);
    this.name = 'SinkNameMismatchError';
  }
}

/** Sink modules with their settings read and their clients created: what one container writes with. */
export interface OpenedSinks {
  readonly modules: readonly SinkModule[];
  /** The invocation's sinks, in module order, on the connected clients. */
  sinks(): Promise<Sink[]>;
  /** The connected client of the module named `name` (tests and tools that inspect the container's own). */
  client(name: string): Promise<unknown>;
  /** Ends every module's client. */
  close(): Promise<void>;
}

/**
 * Reads each module's settings once (a misconfigured variable throws here, when the container starts) and
 * creates its client; the clients connect on the first invocation.
 */
export function openSinks(modules: readonly SinkModule[], env: Env, logger: StructuredLogger): OpenedSinks {
  const opened = modules.map((module) => {
    const settings = module.readSettings(env);
    return { module, settings, client: module.createClient(settings, logger) };
  });
  return {
    modules,
    sinks: () =>
      Promise.all(
        opened.map(async ({ module, settings, client }) => {
          const sink = module.createSink(await client.connect(), settings);
          if (sink.name !== module.name) throw new SinkNameMismatchError(module.name, sink.name);
          return sink;
        }),
      ),
    client: (name) => {
      const found = opened.find(({ module }) => module.name === name);
      if (!found) throw new RangeError(`no sink module named ${name}`);
      return found.client.connect();
    },
    close: async () => {
      await Promise.all(opened.map(({ client }) => client.close()));
    },
  };
}
