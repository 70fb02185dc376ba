/**
 * Scorer throughput: VQA soft accuracy (EvalAI normaliser + leave-one-out) on 100,000 generated
 * predictions with ten human answers each, plus ANLS and OCRBench for comparison.
 * Run: npm run bench:scoring
 */
import { anlsScore } from '../src/scoring/anls.ts';
import { ocrbenchScore } from '../src/scoring/ocrbench.ts';
import { seededRandom } from '../src/scoring/stats.ts';
import { vqaSoftAccuracy } from '../src/scoring/vqa.ts';

const N = 100_000;
const rand = seededRandom(8);
const WORDS = ['stop', 'Stop sign', 'two', '2', 'the cafe', 'Rosa', 'open', 'exit.', "don't", '7:30', '1,000', 'yes', 'no', 'a red car', 'coca-cola', 'I\'m'];
const pick = () => WORDS[Math.floor(rand() * WORDS.length)]!;
const items = Array.from({ length: N }, () => ({
  prediction: rand() < 0.3 ? `${pick()} ${pick()}` : pick(),
  answers: Array.from({ length: 10 }, () => (rand() < 0.6 ? WORDS[0]! : pick())),
}));

function time(label: string, fn: () => number, unitsPerItem: number, unit: string): void {
  const t0 = performance.now();
  const total = fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(34)} ${N.toLocaleString('en')} items in ${s.toFixed(2)} s = ${Math.round(N / s).toLocaleString('en')} predictions/s` +
    `${unitsPerItem > 1 ? ` (${Math.round((N * unitsPerItem) / s).toLocaleString('en')} ${unit}/s)` : ''}; mean score ${(total / N).toFixed(4)}`);
}

console.log(`node ${process.version}, ${process.arch}`);
// Warm-up so the JIT has compiled the hot paths before timing.
for (let i = 0; i < 2000; i++) vqaSoftAccuracy(items[i]!.prediction, items[i]!.answers);
time('VQA soft accuracy (EvalAI norm.)', () => items.reduce((s, x) => s + vqaSoftAccuracy(x.prediction, x.answers), 0), 11, 'prediction+answer strings scored');
// Worst case for the per-call de-duplication: ten distinct answer strings per question.
const distinct = items.map((x, i) => ({ prediction: x.prediction, answers: x.answers.map((a, k) => `${a} ${(i + k) % 97}`) }));
time('VQA soft acc., 10 distinct answers', () => distinct.reduce((s, x) => s + vqaSoftAccuracy(x.prediction, x.answers), 0), 11, 'prediction+answer strings scored');
time('ANLS (lmms-eval, τ=0.5)', () => items.reduce((s, x) => s + anlsScore(x.prediction, x.answers.slice(0, 3)), 0), 3, 'pairs');
time('OCRBench substring', () => items.reduce((s, x) => s + ocrbenchScore(x.prediction, x.answers.slice(0, 2), 'IIIT5K'), 0), 1, '');
