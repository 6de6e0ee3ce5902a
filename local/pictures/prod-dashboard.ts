import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStageConfig } from '../../bin/config/index.js';
import { createPipelineApp } from '../../bin/pipeline-app.js';
import { dashboardLayoutSvg } from '../../lib/constructs/observability/definition/layout-svg.js';
import { repoRoot } from '../../tools/repo-root.js';

/** Where the README's dashboard picture lives. */
export const PROD_DASHBOARD_SVG = join('docs', 'images', 'prod-dashboard.svg');

/** An account and region to build the prod stack against; the picture depends on neither. */
const PICTURE_ENV = { CDK_DEFAULT_ACCOUNT: '111122223333', CDK_DEFAULT_REGION: 'eu-west-1' };

/** The prod dashboard's layout, from the definition the prod stack renders (built, not synthesized). */
export function prodDashboardSvg(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'pictures-'));
  try {
    const config = loadStageConfig('prod', PICTURE_ENV);
    // cdk.json's feature flags, as `cdk synth` applies them.
    const { context } = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const { stack } = createPipelineApp(config, { outdir, context });
    return dashboardLayoutSvg(stack.parts.observability.definition);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
