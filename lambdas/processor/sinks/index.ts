// The processor's sinks: a sink is a folder beside this file and one entry here (docs/extending.md).
import type { Sink } from '../process-batch.js';
import { cassandraSink } from './cassandra/index.js';
import { postgresSink } from './postgres/index.js';
import type { SinkModule } from './sink-module.js';

/** Every sink the processor writes, in write order; the handler, the metrics and the dashboards follow it. */
export const sinkModules = [postgresSink, cassandraSink] as const;

/** A sink's name, as the list names it. */
export type ProcessorSinkName = (typeof sinkModules)[number]['name'];

/** The sinks' names, in order: the dashboards and alarms get a row for each. */
export const PROCESSOR_SINK_NAMES: readonly ProcessorSinkName[] = sinkModules.map((module) => module.name);

type ModuleNamed<Name extends ProcessorSinkName> = Extract<(typeof sinkModules)[number], { name: Name }>;

/** A client a caller already holds for a sink, with the sink's settings. */
export interface SinkInput<M> {
  readonly client: M extends SinkModule<string, unknown, infer Client> ? Client : never;
  readonly settings: M extends SinkModule<string, infer Settings, unknown> ? Settings : never;
}

/** Every sink's client and settings, by sink name: a new sink in the list asks its callers for its own. */
export type SinkInputs = { readonly [Name in ProcessorSinkName]: SinkInput<ModuleNamed<Name>> };

/**
 * The sinks of the list on clients the caller holds (local tools and tests with their own pools and
 * keyspaces); the Lambda opens its own with openSinks.
 */
export function sinksOn(inputs: SinkInputs): Sink[] {
  return sinkModules.map((module) => {
    const { client, settings } = inputs[module.name] as SinkInput<SinkModule>;
    return (module as SinkModule).createSink(client, settings);
  });
}

export type { OpenedSinks, SinkClient, SinkDefinition, SinkModule } from './sink-module.js';
export { defineSink, openSinks } from './sink-module.js';
