/**
 * Re-renders the Markdown summary and the SVG chart of a results file, e.g. after a renderer change:
 *   npx tsx bench/render.ts bench/results/<timestamp>.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { BenchResults } from './lib/results.js';
import { renderChartSvg } from './report/chart-svg.js';
import { renderMarkdown } from './report/markdown.js';

const file = process.argv[2];
if (!file?.endsWith('.json')) {
  console.error('usage: npx tsx bench/render.ts <results .json file>');
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
const base = file.slice(0, -'.json'.length);
writeFileSync(`${base}.svg`, renderChartSvg(results));
writeFileSync(`${base}.md`, renderMarkdown(results, `${basename(base)}.svg`));
console.log(`wrote ${base}.md and ${base}.svg`);
