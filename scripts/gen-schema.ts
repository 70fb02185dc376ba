/** Writes configs/schema.json from the zod config schema (the single source of truth). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Config } from '../src/config/schema.ts';
import { REPO_ROOT } from '../src/fixtures/paths.ts';

export function configJsonSchema(): unknown {
  return { ...z.toJSONSchema(Config, { io: 'input', unrepresentable: 'any' }), title: 'vlmbench run config' };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = path.join(REPO_ROOT, 'configs', 'schema.json');
  writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${file}`);
}
