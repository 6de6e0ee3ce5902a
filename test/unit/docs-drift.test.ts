import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/repo-root.js';

/**
 * Docs name code: every `SomethingError` a README or docs page mentions must be an error class of the code
 * (or of a dependency, or a JavaScript built-in), and every backticked repo path must exist.
 */

/** Directories never walked for docs or code. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.cache', '.local', 'cdk.out', '.ci']);
/** Where the project's own error classes are defined. */
const CODE_ROOTS = ['lambdas', 'lib', 'local', 'bin', 'tools', 'bench', 'planning'];
/** Top-level directories a backticked repo path starts with. */
const REPO_DIRECTORIES = [
  'bench',
  'bin',
  'docs',
  'lambdas',
  'lib',
  'local',
  'mwaa-dags',
  'planning',
  'test',
  'tools',
];

/** Names ending in `Error` that docs mention on purpose although no code declares them, with why. */
const NOT_ERROR_CLASSES: ReadonlyMap<string, string> = new Map([
  [
    'FunctionError',
    'the field of a Lambda Invoke response that marks a failed invocation (MWAA DAGs read it)',
  ],
]);

/** An error name: an identifier ending in `Error`, with something before it (not the bare `Error`). */
const ERROR_NAME = /\b[A-Z][A-Za-z0-9]*[a-z0-9]Error\b/g;
/** A backticked span. */
const BACKTICKED = /`([^`\n]+)`/g;
/** A repo path from the root: a known top-level directory, then only path characters (no placeholders). */
const ROOT_PATH = new RegExp(`^(?:${REPO_DIRECTORIES.join('|')})/[A-Za-z0-9_./-]*$`);
/** A root-level document such as `CHANGELOG.md`. */
const ROOT_DOCUMENT = /^[A-Z][A-Z_]*\.md$/;
/** A bare file name, which a lambdas/ README resolves inside its own directory. */
const BARE_FILE_NAME = /^[A-Za-z0-9_.-]+\.(?:ts|json|sql|md|py|sh)$/;

function walk(directory: string, keep: (path: string) => boolean): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED_DIRECTORIES.has(entry.name)) return [];
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return walk(path, keep);
    return keep(path) ? [path] : [];
  });
}

/** Every README.md of the repo and every page under docs/, repo-relative. */
function documents(): string[] {
  const readmes = walk(repoRoot, (path) => path.endsWith('/README.md'));
  const docs = walk(join(repoRoot, 'docs'), (path) => path.endsWith('.md'));
  return [...new Set([...readmes, ...docs])].map((path) => relative(repoRoot, path)).sort();
}

/** `class FooError` declarations of the project's TypeScript. */
function projectErrorClasses(): Set<string> {
  const names = new Set<string>();
  for (const root of CODE_ROOTS) {
    for (const file of walk(join(repoRoot, root), (path) => path.endsWith('.ts'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bclass\s+([A-Za-z0-9_]+Error)\b/g)) {
        if (match[1]) names.add(match[1]);
      }
    }
  }
  return names;
}

/** Whether a direct dependency's type declarations (its `types` entry) declare `name`. */
function declaredByDependency(name: string): boolean {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const declaration = new RegExp(`\\b(?:class|interface|type|const|var|let|function)\\s+${name}\\b`);
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).some((dependency) => {
    const directory = join(repoRoot, 'node_modules', dependency);
    if (!existsSync(join(directory, 'package.json'))) return false;
    const { types, typings } = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
      types?: string;
      typings?: string;
    };
    const entry = types ?? typings;
    return entry !== undefined && existsSync(join(directory, entry))
      ? declaration.test(readFileSync(join(directory, entry), 'utf8'))
      : false;
  });
}

/** Error names in a document that neither the code, a dependency nor JavaScript defines. */
function unknownErrorNames(text: string, known: ReadonlySet<string>): string[] {
  const mentioned = new Set([...text.matchAll(ERROR_NAME)].map((match) => match[0]));
  return [...mentioned].filter(
    (name) =>
      !known.has(name) &&
      !NOT_ERROR_CLASSES.has(name) &&
      !(name in globalThis) &&
      !declaredByDependency(name),
  );
}

/** Backticked paths of a document (at `path`, repo-relative) that do not exist. */
function missingPaths(path: string, text: string): string[] {
  const spans = [...text.matchAll(BACKTICKED)].map((match) => match[1] ?? '');
  const missing: string[] = [];
  for (const span of new Set(spans)) {
    if (ROOT_PATH.test(span) || ROOT_DOCUMENT.test(span)) {
      if (!existsSync(join(repoRoot, span))) missing.push(span);
    } else if (path.startsWith('lambdas/') && BARE_FILE_NAME.test(span)) {
      const base = join(repoRoot, dirname(path));
      if (walk(base, (file) => file.endsWith(`/${span}`)).length === 0) missing.push(span);
    }
  }
  return missing;
}

describe('docs name what exists (README.md files, docs/**/*.md)', () => {
  const files = documents();
  const known = projectErrorClasses();

  it('reads the READMEs of the lambdas and the docs pages', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/runbook.md');
    expect(files).toContain('lambdas/processor/README.md');
    expect(known).toContain('SinkWriteError');
  });

  it.each(files)('%s mentions only error classes that exist', (path) => {
    expect(unknownErrorNames(readFileSync(join(repoRoot, path), 'utf8'), known)).toEqual([]);
  });

  it.each(files)('%s mentions only repo paths that exist', (path) => {
    expect(missingPaths(path, readFileSync(join(repoRoot, path), 'utf8'))).toEqual([]);
  });

  it('reports a renamed error, a missing path and a missing file next to a lambda README', () => {
    const text =
      'Fails with `StoreWriteError`, a `TypeError` or `KafkaJSError`; see `docs/nowhere.md`, `lib/` ' +
      'and `handler.ts`, `gone.ts`, `user-created.v<N>.schema.json`, `/v1/users`, `ThrottlingException`.';
    expect(unknownErrorNames(text, known)).toEqual(['StoreWriteError']);
    expect(missingPaths('lambdas/processor/README.md', text)).toEqual(['docs/nowhere.md', 'gone.ts']);
  });
});
