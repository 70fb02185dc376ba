import type { Tokenizer } from '@huggingface/tokenizers';

/**
 * Incremental detokenisation with stop strings. Decodes a sliding window of ids (the prefix/read
 * offset scheme of text-generation-inference) so each token costs O(1) decode work, holds back text
 * while it ends in an incomplete UTF-8 sequence (U+FFFD) or in a prefix of a stop string, and cuts
 * the text at the first stop string.
 */
export interface TextStream {
  /** Add one generated id; returns newly safe text ('' if held back) and whether a stop string hit. */
  push(id: number): { piece: string; stopped: boolean };
  /** Text not yet returned by push (held-back stop-string prefix) at the end of generation. */
  flush(): string;
  readonly text: string;
}

export function createTextStream(tokenizer: Tokenizer, stops: string[]): TextStream {
  const stopList = stops.filter((s) => s.length > 0);
  const maxStop = Math.max(0, ...stopList.map((s) => s.length));
  const ids: number[] = [];
  let prefixOffset = 0;
  let readOffset = 0;
  let text = '';
  let emitted = 0;
  let stopped = false;
  const decode = (slice: number[]): string => (slice.length === 0 ? '' : tokenizer.decode(slice, { skip_special_tokens: true }));

  /** Length of the longest tail of `text` that could still grow into a stop string. */
  const heldBack = (): number => {
    for (let k = Math.min(maxStop - 1, text.length); k > 0; k--) {
      const tail = text.slice(text.length - k);
      if (stopList.some((s) => s.startsWith(tail))) return k;
    }
    return 0;
  };

  /** Append the text of ids not yet committed; `final` also commits an incomplete UTF-8 tail. */
  const commit = (final: boolean): void => {
    const prefix = decode(ids.slice(prefixOffset, readOffset));
    const full = decode(ids.slice(prefixOffset));
    if (full.length <= prefix.length || (!final && full.endsWith('\uFFFD'))) return;
    const before = text.length;
    text += full.slice(prefix.length);
    prefixOffset = readOffset;
    readOffset = ids.length;
    // Only the new text (plus a stop-length margin) can contain a new stop string.
    const from = Math.max(0, before - maxStop);
    for (const s of stopList) {
      const at = text.indexOf(s, from);
      if (at >= 0) { text = text.slice(0, at); stopped = true; }
    }
  };

  return {
    push(id) {
      if (stopped) return { piece: '', stopped };
      ids.push(id);
      commit(false);
      const safe = stopped ? text.length : text.length - heldBack();
      const piece = safe > emitted ? text.slice(emitted, safe) : '';
      emitted = Math.max(emitted, safe);
      return { piece, stopped };
    },
    flush() {
      if (!stopped) commit(true);
      const piece = text.slice(emitted);
      emitted = text.length;
      return piece;
    },
    get text() { return text; },
  };
}
