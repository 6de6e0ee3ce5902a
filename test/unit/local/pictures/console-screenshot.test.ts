// Tests local/pictures/console-screenshot.ts; also local/pictures/console-definition.ts.
/**
 * The README's console picture (docs/images/console.png) shows the dashboard definition whose hash lies
 * beside it; a changed definition (a widget, a row, an alarm, a label) needs a new picture.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONSOLE_DEFINITION_SHA256,
  defaultConsoleDefinition,
  definitionSha256,
} from '../../../../local/pictures/console-definition.js';
import { CONSOLE_PNG } from '../../../../local/pictures/console-screenshot.js';
import { repoRoot } from '../../../../tools/repo-root.js';

describe('the console picture', () => {
  it('was taken of the current dashboard definition', () => {
    const file = join(repoRoot, CONSOLE_DEFINITION_SHA256);
    const pictured = existsSync(file) ? readFileSync(file, 'utf8').trim() : `no ${CONSOLE_DEFINITION_SHA256}`;
    expect(
      definitionSha256(defaultConsoleDefinition()),
      `the console's dashboard definition changed since ${CONSOLE_PNG} was taken: run \`npm run pictures\``,
    ).toBe(pictured);
  });

  it('hashes every part of the definition, e.g. a widget title', () => {
    const definition = defaultConsoleDefinition();
    const [segment, ...others] = definition.segments;
    const renamed = {
      ...definition,
      segments: [{ ...segment, title: `${segment?.title} (renamed)` }, ...others],
    };
    expect(definitionSha256(renamed)).not.toBe(definitionSha256(definition));
  });

  it('includes the failure-path row of the default failure topic', () => {
    const rows = defaultConsoleDefinition().segments.flatMap((s) => s.rows.map((r) => r.title));
    expect(rows.some((title) => /failure/i.test(title))).toBe(true);
  });
});
