import { describe, expect, it } from 'vitest';
import {
  FUNCTION_LENGTH_ROOTS,
  functionLengths,
  functionsIn,
  MAX_FUNCTION_LINES,
} from '../../../tools/function-lengths.js';
import { repoRoot } from '../../../tools/repo-root.js';

/**
 * Functions allowed over {@link MAX_FUNCTION_LINES}, by `path` and `name` (as tools/function-lengths.ts names
 * them), each with why. An entry whose function is gone or back under the limit fails the test: remove it.
 */
const ALLOWED_LONG_FUNCTIONS: ReadonlyArray<{ path: string; name: string; reason: string }> = [];

const key = (entry: { path: string; name: string }) => `${entry.path} ${entry.name}`;

describe(`functions stay under ${MAX_FUNCTION_LINES} lines (${FUNCTION_LENGTH_ROOTS.join(', ')})`, () => {
  const functions = functionLengths(repoRoot);
  const allowed = new Set(ALLOWED_LONG_FUNCTIONS.map(key));

  it('finds the functions of every kind (constructors, methods, declarations, arrows)', () => {
    const names = new Set(functions.map(key));
    expect(names).toContain('lib/constructs/ingestion/ingestion.ts Ingestion.constructor');
    expect(names).toContain('lib/stacks/pipeline-stack.ts PipelineStack.buildAws');
    expect(names).toContain('lib/constructs/ingestion/ingestion-api.ts addRoutes');
    expect(functions.length).toBeGreaterThan(500);
  });

  it('has no function over the limit that the allow-list does not name', () => {
    const offenders = functions
      .filter((fn) => fn.lines > MAX_FUNCTION_LINES && !allowed.has(key(fn)))
      .map((fn) => `${fn.path}:${fn.line} ${fn.name} (${fn.lines} lines)`);
    expect(offenders, 'split these into named steps or sub-constructs').toEqual([]);
  });

  it('allow-lists only functions that exist and are still over the limit', () => {
    const long = new Set(functions.filter((fn) => fn.lines > MAX_FUNCTION_LINES).map(key));
    const stale = ALLOWED_LONG_FUNCTIONS.filter((entry) => !long.has(key(entry))).map(key);
    expect(stale, 'remove these entries from ALLOWED_LONG_FUNCTIONS').toEqual([]);
  });
});

describe('functionsIn (tools/function-lengths.ts)', () => {
  const body = (lines: number) =>
    Array.from({ length: lines }, (_, index) => `    const v${index} = ${index};`);

  it('counts every line of a function, signature and closing brace included', () => {
    const text = ['export class Example {', '  constructor() {', ...body(3), '  }', '}'].join('\n');
    expect(functionsIn('example.ts', text)).toEqual([
      { path: 'example.ts', name: 'Example.constructor', line: 2, lines: 5 },
    ]);
  });

  it('names arrows by their variable and nests them under their owner', () => {
    const text = [
      'function outer() {',
      '  const inner = () => {',
      ...body(MAX_FUNCTION_LINES),
      '  };',
      '  return [1].map((x) => x);',
      '}',
    ].join('\n');
    const found = functionsIn('example.ts', text);
    expect(found.map((fn) => [fn.name, fn.lines])).toEqual([
      ['outer', MAX_FUNCTION_LINES + 5],
      ['outer.inner', MAX_FUNCTION_LINES + 2],
      ['outer.<arrow>', 1],
    ]);
  });
});
