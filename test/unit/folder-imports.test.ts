import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/repo-root.js';

/**
 * One purpose per top-level folder (CONTRIBUTING.md, "Layout"), checked on the import statements:
 * - the deployed code (bin/, lib/, lambdas/) imports none of the development folders;
 * - tools/ (developer tooling) imports neither the local mirror (local/) nor the bench, nor planning/;
 * - local/ (the mirror) imports neither the bench nor planning/;
 * - bench/ and planning/ reach into local/ only through the modules {@link LOCAL_ENTRY_POINTS} names.
 */

/** Top-level folders that hold TypeScript, and the ones each may not import. */
const FORBIDDEN: ReadonlyArray<{ folder: string; mayNotImport: readonly string[] }> = [
  { folder: 'bin', mayNotImport: ['local', 'tools', 'bench', 'planning', 'test'] },
  { folder: 'lib', mayNotImport: ['local', 'tools', 'bench', 'planning', 'test'] },
  { folder: 'lambdas', mayNotImport: ['local', 'tools', 'bench', 'planning', 'test'] },
  { folder: 'tools', mayNotImport: ['local', 'bench', 'planning', 'test'] },
  { folder: 'local', mayNotImport: ['bench', 'planning', 'test'] },
  // The bench's load is made of the tests' user events (test/support/user-events.ts), so it may import test/.
  { folder: 'bench', mayNotImport: ['planning'] },
  { folder: 'planning', mayNotImport: ['test'] },
];

/** Folders whose imports of local/ must go through {@link LOCAL_ENTRY_POINTS}. */
const LOCAL_CONSUMERS = ['bench', 'planning'] as const;

/**
 * The local mirror's modules that bench/ and planning/ may import, each with why. Anything else under local/
 * is the mirror's inside. An entry nothing imports any more fails the test: remove it.
 */
const LOCAL_ENTRY_POINTS: ReadonlyArray<{ module: string; reason: string }> = [
  {
    module: 'local/services/config.ts',
    reason: "the services' settings and connection environment: the bench connects to the same stores",
  },
  {
    module: 'local/services/service-runner.ts',
    reason: '`npm run bench` brings the services up as `npm run services -- up` does',
  },
  {
    module: 'local/services/process-supervisor.ts',
    reason: "the bench samples each service's CPU and RSS by the pid the supervisor recorded",
  },
  {
    module: 'local/runtime/pipeline-process.ts',
    reason: 'the end-to-end and console scenarios run `npm start` as a child process, as a user would',
  },
  {
    module: 'local/runtime/local-mapping.ts',
    reason: 'the mirrored stages and their mapping settings (batch size, partitions, day-table layout)',
  },
  {
    module: 'local/runtime/kafka-topics.ts',
    reason: 'scenarios create the topics the mirror creates, with the same partitions',
  },
  {
    module: 'local/runtime/msk-event.ts',
    reason: 'the per-record CPU scenario builds the MSK event the local bridge would deliver',
  },
  {
    module: 'local/runtime/msk-bridge.ts',
    reason: "the processor scenario measures the mirror's MSK bridge in-process, without the HTTP layer",
  },
  {
    module: 'local/runtime/lambda-container-pool.ts',
    reason: "the processor scenario runs the processor in the mirror's Lambda containers",
  },
  {
    module: 'local/runtime/api-gateway-access.ts',
    reason: "the HTTP scenario sends the local API key, as the mirror's API Gateway requires",
  },
  {
    module: 'local/console/console-url.ts',
    reason: 'the console-cost scenario opens the console at the URL the mirror prints',
  },
  {
    module: 'local/console/pipeline-snapshot.ts',
    reason:
      "the console-cost scenario takes the console's own snapshot to measure the stores' side of its reads",
  },
];

/** A relative module specifier of an import, export-from, side-effect import or dynamic import. */
const IMPORT_SPECIFIER = /(?:\bfrom\s*|^\s*import\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/gm;

interface ImportEdge {
  /** Repo-relative importing file. */
  readonly from: string;
  /** Repo-relative imported file, `.js` specifiers mapped to the `.ts` source. */
  readonly to: string;
}

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(path);
    return /\.(?:ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import of the TypeScript files under `folder`, resolved to repo-relative paths. */
function importEdges(text: string, from: string): ImportEdge[] {
  return [...text.matchAll(IMPORT_SPECIFIER)].flatMap((match) => {
    const specifier = match[1];
    if (specifier === undefined) return [];
    const to = normalize(join(dirname(from), specifier)).replace(/\.js$/, '.ts');
    return [{ from, to }];
  });
}

function edgesOf(folder: string): ImportEdge[] {
  return typeScriptFiles(join(repoRoot, folder)).flatMap((file) =>
    importEdges(readFileSync(file, 'utf8'), relative(repoRoot, file)),
  );
}

const topFolder = (path: string) => path.split('/')[0] ?? '';
const describeEdge = (edge: ImportEdge) => `${edge.from} imports ${edge.to}`;

describe('import rules between the top-level folders', () => {
  it('finds imports of every form (from, export-from, side effect, dynamic), resolved from the importer', () => {
    const text = [
      "import { a } from '../local/services/config.js';",
      "import type { B } from './b.js';",
      "export { c } from '../../lambdas/c.js';",
      "import '../side-effect.js';",
      "const d = await import('../d.js');",
      "import { e } from 'node:fs';",
    ].join('\n');
    expect(importEdges(text, 'bench/harness/x.ts').map((edge) => edge.to)).toEqual([
      'bench/local/services/config.ts',
      'bench/harness/b.ts',
      'lambdas/c.ts',
      'bench/side-effect.ts',
      'bench/d.ts',
    ]);
  });

  for (const { folder, mayNotImport } of FORBIDDEN) {
    it(`${folder}/ imports none of ${mayNotImport.map((name) => `${name}/`).join(', ')}`, () => {
      const edges = edgesOf(folder);
      expect(edges.length, `${folder}/ has relative imports to check`).toBeGreaterThan(0);
      const offenders = edges.filter((edge) => mayNotImport.includes(topFolder(edge.to))).map(describeEdge);
      expect(offenders).toEqual([]);
    });
  }

  const allowed = new Set(LOCAL_ENTRY_POINTS.map((entry) => entry.module));
  const intoLocal = LOCAL_CONSUMERS.flatMap(edgesOf).filter((edge) => topFolder(edge.to) === 'local');

  it(`${LOCAL_CONSUMERS.join('/ and ')}/ import local/ only through its listed entry points`, () => {
    const offenders = intoLocal.filter((edge) => !allowed.has(edge.to)).map(describeEdge);
    expect(offenders, 'import a listed entry point, or list the module with why').toEqual([]);
  });

  it('lists only entry points that exist and are imported', () => {
    const imported = new Set(intoLocal.map((edge) => edge.to));
    const stale = LOCAL_ENTRY_POINTS.filter((entry) => !imported.has(entry.module)).map(
      (entry) => entry.module,
    );
    expect(stale, 'remove these from LOCAL_ENTRY_POINTS').toEqual([]);
  });
});
