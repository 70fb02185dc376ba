/**
 * Where throughput stops growing in a sweep: the last load level after which the next step adds less
 * than `growth` (e.g. 10%) throughput. Levels are in sweep order (ascending concurrency or rate).
 * Returns null with fewer than two levels, or when throughput still grows at the last step.
 */
export function throughputKnee(levels: readonly { level: number; throughput: number }[], growth = 0.1): number | null {
  for (let i = 1; i < levels.length; i++) {
    if (levels[i]!.throughput < (1 + growth) * levels[i - 1]!.throughput) return levels[i - 1]!.level;
  }
  return null;
}
