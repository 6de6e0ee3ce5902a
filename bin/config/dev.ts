import type { StageConfig } from './stage-config.js';

/**
 * Shared development stage: deploys to whatever account/region the caller's credentials point at. It takes
 * every default of DEFAULT_SETTINGS, which are sized for cost: 2 AZs with one NAT gateway, two kafka.t3.small
 * brokers, a single-AZ db.t4g.micro, mw1.micro MWAA, API key auth, no WAF.
 */
export const devConfig: StageConfig = { stageName: 'dev' };
