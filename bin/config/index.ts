import { devConfig } from './dev.js';
import { localConfig } from './local.js';
import { prodConfig } from './prod.js';
import {
  DEFAULT_STAGE_NAME,
  type ResolvedStageConfig,
  resolveStageConfig,
  STAGE_NAMES,
  type StageConfig,
  type StageName,
} from './stage-config.js';

export * from './stage-config.js';

const STAGE_CONFIGS: Readonly<Record<StageName, StageConfig>> = {
  dev: devConfig,
  prod: prodConfig,
  local: localConfig,
};

/** Thrown when `-c stage=<name>` names a stage that has no configuration. */
export class UnknownStageError extends Error {
  override readonly name = 'UnknownStageError';

  constructor(
    /** The stage name that was asked for. */
    readonly requestedStage: string,
    /** The stage names that would have been accepted. */
    readonly validStages: readonly StageName[] = STAGE_NAMES,
  ) {
    super(
      `Unknown stage ${JSON.stringify(requestedStage)}: valid stages are ${validStages.join(', ')} ` +
        `(select one with -c stage=<name>; default ${DEFAULT_STAGE_NAME}).`,
    );
  }
}

/** Type guard for the names in {@link STAGE_NAMES}. */
export function isStageName(value: string): value is StageName {
  return (STAGE_NAMES as readonly string[]).includes(value);
}

/**
 * Returns the configuration of the named stage with its defaults applied.
 *
 * @param stageName the `stage` context value; `undefined` selects the default stage (`dev`)
 * @param env where account/region defaults come from; injectable for tests
 * @throws UnknownStageError when `stageName` is not one of {@link STAGE_NAMES}
 */
export function loadStageConfig(
  stageName: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedStageConfig {
  const name = stageName ?? DEFAULT_STAGE_NAME;
  if (!isStageName(name)) throw new UnknownStageError(name);
  return resolveStageConfig(STAGE_CONFIGS[name], env);
}
