/** Every project function (lib/constructs/shared/pipeline-function.ts) runs with the same NODE_OPTIONS. */
import { afterAll, describe, expect, it } from 'vitest';
import { PIPELINE_NODE_OPTIONS } from '../../../../../lib/constructs/shared/pipeline-function.js';
import { cleanUpSyntheses, resourcesOfType, synthStage } from '../../../support/pipeline-fixture.js';

afterAll(cleanUpSyntheses);

describe.each(['dev', 'prod', 'local'] as const)('project functions of stage %s', (stageName) => {
  it('enable source maps and silence only kafkajs’ TimeoutNegativeWarning', () => {
    const projectFunctions = resourcesOfType(synthStage(stageName), 'AWS::Lambda::Function')
      .map(
        ([, fn]) =>
          (fn.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables,
      )
      .filter((variables) => variables?.POWERTOOLS_SERVICE_NAME !== undefined);
    expect(projectFunctions.length).toBeGreaterThanOrEqual(3);
    for (const variables of projectFunctions) expect(variables?.NODE_OPTIONS).toBe(PIPELINE_NODE_OPTIONS);
    expect(PIPELINE_NODE_OPTIONS.split(' ')).toEqual([
      '--enable-source-maps',
      '--disable-warning=TimeoutNegativeWarning',
    ]);
  });
});
