import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, resolved from this file so synth works from any working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Absolute path of a file under `lambdas/`. */
export function lambdaEntry(relativePath: string): string {
  return join(REPO_ROOT, 'lambdas', relativePath);
}
