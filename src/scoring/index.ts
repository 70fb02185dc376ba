/** Pure scorers and statistics, one import point for suites, the CLI and comparisons. */
export * from './stats.ts';
export { normalizeEvalAI } from './evalai.ts';
export { vqaAnswerScores, vqaExactMatch, vqaSoftAccuracy } from './vqa.ts';
export { ANLS_THRESHOLD, anlsScore, levenshtein, type AnlsVariant } from './anls.ts';
export {
  OCRBENCH_RECOGNITION_TYPES, OCRBENCH_TYPES, foldFullWidth, isOcrBenchType, ocrbenchScore, ocrbenchTotals,
  type OcrBenchTotals, type OcrBenchType, type OcrBenchVersion,
} from './ocrbench.ts';
export {
  SQA_CATEGORIES, SQA_OPTIONS, extractLenient, extractLlava, llavaSqaSummaryLine, sqaCategoriesOf, sqaCategoryTable,
  sqaPredIndex, type SqaCategory, type SqaCell, type SqaMode, type SqaTableItem,
} from './scienceqa.ts';
export { parsePope, popeMetrics, popeScore, type PopeMetrics, type YesNo } from './pope.ts';
export { pyFormatFixed, pyRound } from './pytext.ts';
export { LINE_METRICS, METRIC_NAMES, type LineMetric, type MetricName } from './line-metrics.ts';
export { parseCqmTurns, sqaChoiceText, sqaContext, sqaCqmInput, sqaLlavaHumanTurn, sqaQuestionFromHumanTurn } from './sqa-prompt.ts';
export { LLAVA_SHORT_SUFFIX, textvqaOcrLine, textvqaQuestionFromPrompt } from './textvqa-prompt.ts';
