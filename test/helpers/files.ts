import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file below `dir`, as sorted paths relative to it (for comparing two generated trees). */
export function relativeFiles(dir: string): string[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => {
    const p = path.join(d, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
  return walk(dir).map((p) => path.relative(dir, p)).sort();
}
