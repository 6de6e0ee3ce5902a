/**
 * Re-renders the Markdown summary and the SVG chart of a results file, e.g. after a renderer change:
 *   npx tsx bench/render.ts bench/results/<timestamp>.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { exitWithUsage, parseCli } from '../tools/cli/args.js';
import type { BenchResults } from './harness/results.js';
import { renderChartSvg } from './report/chart-svg.js';
import { renderMarkdown } from './report/markdown.js';

const USAGE = `usage: npx tsx bench/render.ts <results .json file>

Re-renders the .md summary and .svg chart next to a bench results file.`;
const { positionals } = parseCli({ usage: USAGE, options: {}, allowPositionals: true });
const file = positionals[0];
if (positionals.length !== 1 || !file?.endsWith('.json')) exitWithUsage(USAGE, 'give one results .json file');
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
const base = file.slice(0, -'.json'.length);
writeFileSync(`${base}.svg`, renderChartSvg(results));
writeFileSync(`${base}.md`, renderMarkdown(results, `${basename(base)}.svg`));
console.log(`wrote ${base}.md and ${base}.svg`);
