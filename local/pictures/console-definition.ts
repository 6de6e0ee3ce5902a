import { createHash } from 'node:crypto';
import { PROCESSOR_SINK_NAMES } from '../../lambdas/processor/sinks/index.js';
import { describeDashboard } from '../console/dashboard-state.js';
import { localDashboard } from '../console/local-definition.js';
import { localMappingSettings } from '../runtime/local-mapping.js';

/**
 * The sha256 of the console definition the README's picture shows, beside the picture: a unit test compares
 * it with the definition's hash now, so a changed dashboard asks for `npm run pictures`.
 */
export const CONSOLE_DEFINITION_SHA256 = 'docs/images/console.png.definition.sha256';

/**
 * The console's definition (`/api/definition`) as a default `npm start` serves it: the local dashboard with
 * the default stage's failure topic (the failure-path row) and CloudWatch's own minute.
 */
export function defaultConsoleDefinition(): ReturnType<typeof describeDashboard> {
  const definition = localDashboard({
    sinks: PROCESSOR_SINK_NAMES,
    failureTopicName: localMappingSettings().failure.failureTopic,
  });
  return describeDashboard(definition, 1);
}

/** sha256 (hex) of a definition's JSON. */
export function definitionSha256(definition: unknown): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}
