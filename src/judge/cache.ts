import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What makes two judge requests the same: the judge, its sampling settings, the full prompt and the try. */
export interface JudgeCacheKey {
  provider: string;
  model: string;
  temperature: number;
  maxTokens: number;
  system: string;
  user: string;
  attempt: number;
}

export function judgeCacheKey(k: JudgeCacheKey): string {
  const promptHash = createHash('sha256').update(k.system).update('\u0000').update(k.user).digest('hex');
  return createHash('sha256')
    .update(JSON.stringify([k.provider, k.model, k.temperature, k.maxTokens, promptHash, k.attempt]))
    .digest('hex');
}

/**
 * Judge replies on disk, one small JSON file per key (`<dir>/<2 hex>/<hash>.json`), written atomically
 * (temp file + rename) so a crash never leaves a half reply that a later run would trust.
 */
export class JudgeCache {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const data = JSON.parse(await readFile(this.file(key), 'utf8')) as { reply?: unknown };
      return typeof data.reply === 'string' ? data.reply : undefined;
    } catch {
      return undefined; // missing or unreadable entry: ask the judge again
    }
  }

  async set(key: string, reply: string, meta: { model: string }): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify({ model: meta.model, createdAt: new Date().toISOString(), reply }));
    await rename(tmp, file);
  }
}
