/**
 * POPE yes/no parsing and metrics (LLaVA `eval_pope.py`): only the
 * text before the first `.` counts, commas are deleted, the rest is split on single spaces, and only the
 * exact tokens `No`, `no` or `not` mean "no" — `NO`, `No!` and `isn't` all read as "yes".
 */

export type YesNo = 'yes' | 'no';

export function parsePope(text: string): YesNo {
  const firstSentence = text.includes('.') ? text.split('.')[0]! : text;
  const words = firstSentence.split(',').join('').split(' ');
  return words.includes('No') || words.includes('not') || words.includes('no') ? 'no' : 'yes';
}

/** 1 if the parsed answer equals the label (labels other than 'no' count as 'yes', as upstream). */
export function popeScore(prediction: string, label: string): 0 | 1 {
  const truth: YesNo = label === 'no' ? 'no' : 'yes';
  return parsePope(prediction) === truth ? 1 : 0;
}

export interface PopeMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  yesRatio: number;
  tp: number; fp: number; tn: number; fn: number;
}

/** Acc / Precision / Recall / F1 / yes-ratio with "yes" as the positive class; 0/0 gives NaN where upstream raises ZeroDivisionError. */
export function popeMetrics(items: readonly { pred: YesNo; label: string }[]): PopeMetrics {
  let tp = 0; let fp = 0; let tn = 0; let fn = 0;
  for (const { pred, label } of items) {
    const positive = label !== 'no';
    if (pred === 'yes' && positive) tp++;
    else if (pred === 'yes') fp++;
    else if (positive) fn++;
    else tn++;
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return {
    accuracy: (tp + tn) / items.length,
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    yesRatio: (tp + fp) / items.length,
    tp, fp, tn, fn,
  };
}
