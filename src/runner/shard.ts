import { createHash } from 'node:crypto';
import type { Shard } from './context.ts';

/** Deterministic partition: a sample belongs to shard hash(suite, sampleId) mod count. */
export function inShard(suiteId: string, sampleId: string, shard: Shard | undefined): boolean {
  if (!shard || shard.count <= 1) return true;
  const h = createHash('sha256').update(`${suiteId}\0${sampleId}`).digest();
  return h.readUInt32BE(0) % shard.count === shard.index;
}
