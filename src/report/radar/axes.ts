/**
 * The twelve axes of the LLaVA-1.5 radar figure (LLaVA-1.5 paper, Liu et al. 2023 "Improved Baselines with Visual Instruction Tuning", Figure 1; clockwise from 12 o'clock)
 * and the one table that maps suite ids / headline metrics to those axes.
 */
export const LLAVA_RADAR_AXES = [
  'VQAv2', 'GQA', 'VizWiz', 'SQA-IMG', 'TextVQA', 'POPE',
  'MME', 'MMBench', 'MMBench-CN', 'SEED-Bench', 'LLaVA-Bench', 'MM-Vet',
] as const;

export type LlavaAxis = (typeof LLAVA_RADAR_AXES)[number];

/**
 * Suite id (or name) → radar axis. Several suites may feed one axis (LLaVA-Bench's three categories);
 * their headline values are then combined as an n-weighted mean (the official overall score is a ratio
 * of means over all questions, which the per-category summaries cannot reproduce exactly).
 */
export const SUITE_AXIS: Readonly<Record<string, LlavaAxis>> = {
  vqav2: 'VQAv2',
  gqa: 'GQA',
  vizwiz: 'VizWiz',
  scienceqa: 'SQA-IMG',
  'sqa-img': 'SQA-IMG',
  ocr: 'TextVQA',
  textvqa: 'TextVQA',
  pope: 'POPE',
  mme: 'MME',
  mmbench: 'MMBench',
  'mmbench-cn': 'MMBench-CN',
  seed: 'SEED-Bench',
  'seed-bench': 'SEED-Bench',
  conversation: 'LLaVA-Bench',
  detail: 'LLaVA-Bench',
  reasoning: 'LLaVA-Bench',
  'llava-bench': 'LLaVA-Bench',
  'mm-vet': 'MM-Vet',
  mmvet: 'MM-Vet',
};

/** Display names of benchmarks that are not on the LLaVA-1.5 figure but get their own axis. */
export const EXTRA_AXIS_NAMES: Readonly<Record<string, string>> = {
  docvqa: 'DocVQA',
  ocrbench: 'OCRBench',
  mmmu: 'MMMU',
  mathvista: 'MathVista',
};

/** Axes whose published values are not percentages (MME Perception is a 0–2000 sum). */
export const NON_PERCENT_AXES: ReadonlySet<string> = new Set(['MME']);

/**
 * Headline metrics that name their benchmark: the combined `ocr` suite's headline follows the first
 * benchmark it found (TextVQA, else DocVQA, else OCRBench), so its axis follows the headline.
 */
export const HEADLINE_AXIS: Readonly<Record<string, string>> = {
  textvqa_accuracy: 'TextVQA',
  docvqa_anls: 'DocVQA',
  ocrbench_score: 'OCRBench',
};

/** The radar axis a suite feeds, or undefined for suites that have no place on the figure. */
export function axisForSuite(suite: string): LlavaAxis | undefined {
  return SUITE_AXIS[suite.toLowerCase()];
}

/** Order axes: the figure's order first, then any other axes in first-seen order. */
export function orderAxes(names: Iterable<string>): string[] {
  const seen = [...new Set(names)];
  const known = LLAVA_RADAR_AXES.filter((a) => seen.includes(a));
  return [...known, ...seen.filter((a) => !(LLAVA_RADAR_AXES as readonly string[]).includes(a))];
}
