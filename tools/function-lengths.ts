/**
 * Lengths of every function in the code a reader has to hold in their head (CONTRIBUTING: functions and
 * constructors under ~80 lines). test/unit/tools/function-lengths.test.ts fails on any function over the limit that
 * its allow-list does not name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** Lines a function, method, constructor or arrow function may span, its full text included. */
export const MAX_FUNCTION_LINES = 80;

/** Where the limit applies: directories are walked for `.ts` files (declarations and `node_modules` aside). */
export const FUNCTION_LENGTH_ROOTS = ['lib', 'lambdas', 'local', 'tools', 'planning', 'bench'] as const;

/** One function and how many lines its text spans. */
export interface FunctionLength {
  /** Repo-relative path, `/`-separated. */
  readonly path: string;
  /** `Class.method`, `Class.constructor`, `function`, `variable` (arrows), or `<arrow>` nested in its owner. */
  readonly name: string;
  /** 1-based line the function starts on. */
  readonly line: number;
  /** Lines from the first to the last character of its text. */
  readonly lines: number;
}

/** Every function in `roots` (relative to `repoRoot`), in file order. */
export function functionLengths(
  repoRoot: string,
  roots: readonly string[] = FUNCTION_LENGTH_ROOTS,
): FunctionLength[] {
  return roots
    .flatMap((root) => typeScriptFiles(join(repoRoot, root)))
    .flatMap((file) => {
      const path = relative(repoRoot, file).split('\\').join('/');
      return functionsIn(path, readFileSync(file, 'utf8'));
    });
}

/** Every function of one source text. */
export function functionsIn(path: string, text: string): FunctionLength[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: FunctionLength[] = [];
  const visit = (node: ts.Node, owner: string): void => {
    let nextOwner = owner;
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const name = functionName(node, owner);
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ path, name, line: start + 1, lines: end - start + 1 });
      nextOwner = name;
    } else if (ts.isClassLike(node)) {
      nextOwner = node.name?.text ?? '<class>';
    }
    ts.forEachChild(node, (child) => visit(child, nextOwner));
  };
  visit(source, '');
  return found;
}

function functionName(node: ts.SignatureDeclaration, owner: string): string {
  const qualified = (name: string) => (owner ? `${owner}.${name}` : name);
  if (ts.isConstructorDeclaration(node)) return qualified('constructor');
  if (node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)))
    return qualified(node.name.text);
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && ts.isIdentifier(parent.name)) {
    return qualified(parent.name.text);
  }
  if (ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return qualified(parent.name.text);
  return qualified('<arrow>');
}

function typeScriptFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return typeScriptFiles(child);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [child] : [];
    });
}
