/**
 * `npm run pictures`: regenerates the README's pictures.
 *   docs/images/prod-dashboard.svg  the prod CloudWatch dashboard's layout, from the dashboard definition
 *   docs/images/console.png         the local console (needs the local services: npm run services -- up)
 *   npm run pictures -- --only dashboard | console
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitWithUsage, parseCli } from '../../tools/cli/args.js';
import { repoRoot } from '../../tools/repo-root.js';
import { CONSOLE_PNG, consoleScreenshot } from './console-screenshot.js';
import { PROD_DASHBOARD_SVG, prodDashboardSvg } from './prod-dashboard.js';

const USAGE = `usage: npm run pictures -- [options]

Regenerates the README's pictures: docs/images/prod-dashboard.svg and docs/images/console.png.

options:
  --only dashboard|console   only one of them (the console one needs the local services)
  -h, --help                 show this help`;
const { values } = parseCli({ usage: USAGE, options: { only: { type: 'string' } } });
const log = (m: string) => console.error(`[pictures] ${m}`);

async function main(): Promise<void> {
  const only = values.only;
  if (only !== undefined && only !== 'dashboard' && only !== 'console') {
    exitWithUsage(USAGE, `--only must be dashboard or console, got "${only}"`);
  }
  if (only !== 'console') {
    writeFileSync(join(repoRoot, PROD_DASHBOARD_SVG), prodDashboardSvg());
    log(`wrote ${PROD_DASHBOARD_SVG}`);
  }
  if (only !== 'dashboard') await consoleScreenshot(join(repoRoot, CONSOLE_PNG), log);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
