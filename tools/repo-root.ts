import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, derived from this file's location so every entry point agrees on it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
