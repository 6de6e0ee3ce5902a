/**
 * `npm run generate`: rewrites every generated file from its definition (tools/generated-files.ts).
 * `npm run generate -- --check`: writes nothing; exits 1 naming each stale file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseCli } from './cli/args.js';
import { generatedFiles, staleGeneratedFiles } from './generated-files.js';
import { repoRoot } from './repo-root.js';

const USAGE = `usage: npm run generate [-- --check]

Rewrites every file generated from a single definition (JSON Schemas, the push API's OpenAPI document, the
DAGs' field list, the migrations module) and prints each path.

options:
  --check      write nothing; exit 1 if a generated file is stale
  -h, --help   show this help`;

const { check } = parseCli({
  usage: USAGE,
  options: { check: { type: 'boolean', default: false } },
}).values;

if (check) {
  const stale = staleGeneratedFiles();
  for (const file of stale) console.error(`stale: ${file.path} (from ${file.source}); run: npm run generate`);
  if (stale.length > 0) process.exit(1);
  console.log(`${generatedFiles().length} generated files are up to date`);
} else {
  for (const file of generatedFiles()) {
    const target = join(repoRoot, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.render());
    console.log(`wrote ${file.path}`);
  }
}
