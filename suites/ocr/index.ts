import type { Suite } from '../../src/core/suite.ts';
import { ocrSuite } from './suite.ts';

export { ocrSuite, describeOcr, scoreOcr, OcrOptions } from './suite.ts';
export { aggregateOcr, OCR_METRICS, SCORE_KEY } from './aggregate.ts';
export { detectFormats, OCR_FORMATS, type OcrDoc, type OcrFormat } from './doc.ts';

/**
 * `ocr` reads every official layout it finds (or the one options.format names); `textvqa`, `docvqa`
 * and `ocrbench` are the same suite pinned to one benchmark, so each gets its own headline and radar axis.
 */
export const suites: Suite[] = [
  ocrSuite('ocr', 'OCR benchmarks found in the dataset folder: TextVQA (VQA soft accuracy), DocVQA (ANLS), OCRBench (score out of 1000)'),
  ocrSuite('textvqa', 'TextVQA val with VQA soft accuracy and the EvalAI normaliser (LLaVA OCR-token prompt when available)', 'textvqa'),
  ocrSuite('docvqa', 'DocVQA-style document questions scored with ANLS (τ = 0.5)', 'docvqa'),
  ocrSuite('ocrbench', 'OCRBench: substring scoring, HME100k whitespace rule, per-type table, Final Score', 'ocrbench'),
] as Suite[];
