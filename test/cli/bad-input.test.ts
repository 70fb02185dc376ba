/**
 * Every command against the input-error standard: `--help` exits 0 with a Usage line; an unknown flag,
 * a missing file and a malformed file exit 2 with one message naming the flag / path / line / field and
 * no stack trace; `--verbose` adds the stack. Table-driven: one row per command.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';
import { good, p, prepareBadInputCases, RAW, STACK, TABLE } from './bad-input.cases.ts';

beforeAll(prepareBadInputCases);

function expectInputError(r: { code: number; stdout: string; stderr: string }, names: Array<string | RegExp>): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^vlmbench: /);
  for (const n of names) {
    if (typeof n === 'string') expect(r.stderr).toContain(n);
    else expect(r.stderr).toMatch(n);
  }
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr).not.toMatch(RAW);
}

describe.each(TABLE)('$command', (row) => {
  it('--help exits 0 and prints a Usage line', async () => {
    const r = await runCli(row.help);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:/m);
    expect(r.stderr).toBe('');
  });

  it('an unknown flag exits 2 naming the flag, no stack trace', async () => {
    const r = await runCli(row.unknownFlag);
    expectInputError(r, ['--bogus']);
  });

  it('an unknown flag with --verbose adds the stack', async () => {
    const r = await runCli([...row.unknownFlag, '--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(STACK);
  });

  for (const c of row.missing) {
    it(`missing ${c.label}: exit 2 naming the path`, async () => {
      const { argv, names } = await c.make();
      expectInputError(await runCli(argv), names);
    });
  }

  for (const c of row.output ?? []) {
    it(`unusable output ${c.label}: exit 2 naming the path`, async () => {
      const { argv, names } = await c.make();
      expectInputError(await runCli(argv), names);
    });
  }

  for (const c of row.malformed) {
    it(`malformed: ${c.label}: exit 2 naming the file`, async () => {
      const { argv, names } = await c.make();
      expectInputError(await runCli(argv), names);
      const v = await runCli([...argv, '--verbose']);
      expect(v.code).toBe(2);
      expect(v.stderr).toMatch(STACK);
    });
  }
});

describe('extra positional arguments are usage errors, not ignored', () => {
  // The first argument is valid each time, so only the extra one can make these fail.
  it.each([
    ['run', () => ['run', writeEchoConfig(tempDir(), { count: 1, isolate: false }), 'extra', '--no-report']],
    ['summary', () => ['summary', good, 'extra']],
    ['baseline promote', () => ['baseline', 'promote', good, 'extra', '--to', p('promoted')]],
    ['doctor', () => ['doctor', 'now']],
    ['serve', () => ['serve', 'configs/quickstart.yaml', 'extra']],
  ])('%s', async (_name, argv) => {
    const r = await runCli(argv());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/expected one|extra|usage|Unexpected argument/i);
    expect(r.stderr).not.toMatch(STACK);
  });
});
