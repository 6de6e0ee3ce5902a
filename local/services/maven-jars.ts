import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../tools/repo-root.js';
import type { ProgressReporter } from './local-service.js';

export class JarResolutionError extends Error {
  constructor(project: string, output: string) {
    super(`Maven could not resolve ${project} (is Maven installed and Maven Central reachable?):\n${output}`);
    this.name = 'JarResolutionError';
  }
}

/**
 * Resolves the jars of one committed Maven project (local/services/maven/<project>) into the cache.
 * The cache folder is keyed by the pom's hash, so a version bump resolves afresh and a warm cache is free.
 */
export function resolveJars(
  project: 'kafka' | 'cassandra',
  cacheRoot: string,
  progress: ProgressReporter,
): string {
  const pom = join(repoRoot, 'local', 'services', 'maven', project, 'pom.xml');
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 12);
  const dir = join(cacheRoot, `${project}-${hash}`);
  const complete = join(dir, '.complete');
  if (existsSync(complete)) return dir;
  progress(`resolving ${project} jars from Maven Central into ${dir} (first run only)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${dir}`,
      '-DincludeScope=runtime',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const jars = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jar')) : [];
  if (result.status !== 0 || jars.length === 0) {
    throw new JarResolutionError(
      project,
      `${result.error?.message ?? ''}${result.stdout}${result.stderr}`.slice(-4000),
    );
  }
  writeFileSync(complete, `${jars.length} jars\n`);
  progress(`resolved ${jars.length} ${project} jars`);
  return dir;
}

export function findJar(dir: string, prefix: string): string | undefined {
  const name = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.jar'));
  return name ? join(dir, name) : undefined;
}
