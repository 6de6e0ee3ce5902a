import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckFailedError, left, pass, type VerifyCheck } from '../../../../local/verify/check.js';
import { VERIFY_CHECKS } from '../../../../local/verify/checks/index.js';
import { runChecks } from '../../../../local/verify/runner.js';
import { repoRoot } from '../../../../tools/repo-root.js';
import { fakeContext, fakePorts } from './fake-stage.js';

async function run(checks: VerifyCheck[]) {
  const lines: string[] = [];
  const report = await runChecks(checks, fakePorts(), fakeContext(), (line) => lines.push(line));
  return { report, output: lines.join('\n') };
}

describe('the verify runner', () => {
  it('prints a line per check, runs the later checks after a failure, and exits 1 naming the runbook entry', async () => {
    const { report, output } = await run([
      { name: 'one', runbook: 'verify-one', run: async () => pass('fine') },
      {
        name: 'two',
        runbook: 'verify-two',
        run: async () => {
          throw new CheckFailedError('postgres 0/3');
        },
      },
      { name: 'three', runbook: 'verify-three', run: async () => left('not yet') },
    ]);
    expect(report.exitCode).toBe(1);
    expect(report.checks.map((c) => c.status)).toEqual(['pass', 'fail', 'left']);
    expect(output).toMatch(/^PASS {2}one +0\.0 s {2}fine$/m);
    expect(output).toMatch(
      /^FAIL {2}two +0\.0 s {2}postgres 0\/3\n {6}runbook: docs\/runbook\.md#verify-two$/m,
    );
    expect(output).toMatch(/^LEFT {2}three .*\n {6}runbook: docs\/runbook\.md#verify-three$/m);
    expect(output).toMatch(/^1 passed, 1 failed, 1 left \(three\) in /m);
  });

  it('reports an unexpected error as a failure with its type, and exits 0 when only left', async () => {
    const crash = await run([
      {
        name: 'crash',
        runbook: 'verify-crash',
        run: async () => {
          throw new TypeError('x is undefined');
        },
      },
    ]);
    expect(crash.output).toMatch(/^FAIL {2}crash .*TypeError: x is undefined$/m);
    expect(
      (await run([{ name: 'later', runbook: 'verify-later', run: async () => left('later') }])).report
        .exitCode,
    ).toBe(0);
  });

  it('has the issue’s checks, in order, each with a runbook entry', () => {
    expect(VERIFY_CHECKS.map((c) => c.name)).toEqual([
      'deployment',
      'push',
      'pull',
      'stores',
      'poison',
      'failure path',
      'MWAA',
      'observability',
      'cleanup',
    ]);
    const runbook = readFileSync(join(repoRoot, 'docs', 'runbook.md'), 'utf8');
    for (const check of VERIFY_CHECKS)
      expect(runbook, check.runbook).toMatch(new RegExp(`^## ${check.runbook}$`, 'm'));
  });
});
