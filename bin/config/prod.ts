import type { StageConfig } from './stage-config.js';

/** Production stage. */
export const prodConfig: StageConfig = {
  stageName: 'prod',
  // Production holds the pipeline's only copy of the data: an accidental `cdk destroy` must be refused.
  terminationProtection: true,
};
