import type { StageConfig } from './stage-config.js';

/**
 * Local stage: the stack synthesized for LocalStack (docker-compose.localstack.yml). LocalStack serves a
 * fixed account and region, so they are pinned rather than taken from the caller's credentials.
 */
export const localConfig: StageConfig = {
  stageName: 'local',
  account: '000000000000',
  region: 'us-east-1',
};
