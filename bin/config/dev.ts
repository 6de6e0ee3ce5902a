import type { StageConfig } from './stage-config.js';

/** Shared development stage: deploys to whatever account/region the caller's credentials point at. */
export const devConfig: StageConfig = {
  stageName: 'dev',
};
