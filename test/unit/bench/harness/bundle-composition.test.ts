import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  bundleComposition,
  decodeVlqSegment,
  packageOf,
} from '../../../../bench/harness/bundle-composition.js';

describe('bundleComposition', () => {
  it('decodes Base64 VLQ segments, signs and continuation digits included', () => {
    expect(decodeVlqSegment('AAAA')).toEqual([0, 0, 0, 0]);
    expect(decodeVlqSegment('CADE')).toEqual([1, 0, -1, 2]);
    expect(decodeVlqSegment('gB')).toEqual([16]);
    expect(decodeVlqSegment('hB')).toEqual([-16]);
    expect(() => decodeVlqSegment('A*')).toThrow(SyntaxError);
  });

  it('names the npm package of a source path, scoped or not, and the project for the rest', () => {
    expect(packageOf('../../node_modules/zod/v4/core/schemas.js')).toBe('zod');
    expect(packageOf('node_modules/@aws-lambda-powertools/logger/lib/esm/Logger.js')).toBe(
      '@aws-lambda-powertools/logger',
    );
    expect(packageOf('node_modules/a/node_modules/b/index.js')).toBe('b');
    expect(packageOf('../../lambdas/processor/handler.ts')).toBe('project');
  });

  it("attributes every byte of an esbuild bundle to its sources' packages", async () => {
    // Two "packages" of very different sizes, bundled and minified by esbuild with a source map.
    const files: Record<string, string> = {
      '/entry.js': "import { big } from 'big'; import { small } from 'small'; console.log(big(), small());",
      '/node_modules/big/index.js': `export function big() { return ${JSON.stringify('x'.repeat(4000))}; }`,
      '/node_modules/small/index.js': 'export function small() { return 42; }',
    };
    const result = await build({
      entryPoints: ['/entry.js'],
      bundle: true,
      minify: true,
      format: 'esm',
      sourcemap: 'external',
      outfile: '/out/bundle.js',
      write: false,
      plugins: [
        {
          name: 'memory',
          setup(build) {
            build.onResolve({ filter: /.*/ }, (args) => ({
              path: args.path.startsWith('/') ? args.path : `/node_modules/${args.path}/index.js`,
              namespace: 'memory',
            }));
            build.onLoad({ filter: /.*/, namespace: 'memory' }, (args) => ({
              contents: files[args.path] as string,
              loader: 'js',
            }));
          },
        },
      ],
    });
    const text = (suffix: string) => result.outputFiles.find((f) => f.path.endsWith(suffix))?.text ?? '';
    const code = text('bundle.js');
    const parts = bundleComposition(code, JSON.parse(text('bundle.js.map')));

    expect(parts.reduce((sum, p) => sum + p.bytes, 0)).toBe(Buffer.byteLength(code));
    expect(parts[0]?.name).toBe('big');
    expect(parts.find((p) => p.name === 'big')?.bytes).toBeGreaterThan(4000);
    expect(parts.find((p) => p.name === 'small')?.bytes).toBeLessThan(100);
    expect(parts.some((p) => p.name === 'project')).toBe(true);
  });
});
