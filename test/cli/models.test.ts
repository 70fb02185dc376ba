import { describe, expect, it } from 'vitest';
import { MODELS_SUBCOMMANDS } from '../../src/cli/commands/models.ts';
import { runCli } from '../helpers/cli.ts';

describe('vlmbench models', () => {
  it('lists its subcommands (the list is exported for other modules to extend)', async () => {
    expect(MODELS_SUBCOMMANDS.map((c) => c.name)).toEqual(['prompt', 'tokens', 'inspect']);
    const r = await runCli(['models']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/prompt +Render chat turns/);
    expect(r.stdout).toMatch(/tokens +Image-token count/);
    expect(r.stdout).toMatch(/inspect +Which family/);
  });

  it('each subcommand has --help with examples', async () => {
    for (const sub of ['prompt', 'tokens', 'inspect']) {
      const r = await runCli(['models', sub, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`vlmbench models ${sub}`);
    }
  });

  it('unknown subcommand or flag: exit 2', async () => {
    expect((await runCli(['models', 'frobnicate'])).code).toBe(2);
    expect((await runCli(['models', 'tokens', '--bogus'])).code).toBe(2);
  });
});
