/**
 * A small, pure Server-Sent Events parser (WHATWG "event stream interpretation"). Network chunks may
 * split or merge events anywhere — inside a line, between `\r` and `\n`, inside a multi-byte
 * character — so the parser buffers until a blank line and never assumes one event per chunk.
 * Byte decoding is the caller's job (a streaming TextDecoder), so this module stays string-only.
 */

export interface SseEvent {
  /** `event:` field; 'message' when absent. */
  event: string;
  /** `data:` lines joined with '\n'. */
  data: string;
  id?: string;
  retry?: number;
}

export interface SseParser {
  /** Feed the next piece of decoded text; complete events are delivered synchronously. */
  feed(text: string): void;
  /**
   * End of stream: an event whose data lines are complete but lacks the closing blank line is still
   * dispatched (some servers omit it); a partial last line is dropped as truncated.
   */
  end(): void;
}

export function createSseParser(onEvent: (e: SseEvent) => void): SseParser {
  let buffer = '';
  let data: string[] = [];
  let hasData = false;
  let event = '';
  let id: string | undefined;
  let retry: number | undefined;
  // A chunk may end right after '\r': wait for the next chunk to see whether '\n' follows.
  let pendingCr = false;

  const dispatch = (): void => {
    if (hasData) {
      const e: SseEvent = { event: event || 'message', data: data.join('\n') };
      if (id !== undefined) e.id = id;
      if (retry !== undefined) e.retry = retry;
      onEvent(e);
    }
    data = [];
    hasData = false;
    event = '';
    retry = undefined;
  };

  const line = (l: string): void => {
    if (l === '') { dispatch(); return; }
    if (l.charCodeAt(0) === 58 /* ':' comment / keep-alive */) return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data': data.push(value); hasData = true; break;
      case 'event': event = value; break;
      case 'id': if (!value.includes('\u0000')) id = value; break;
      case 'retry': if (/^\d+$/.test(value)) retry = Number(value); break;
      default: break; // unknown fields are ignored by the spec
    }
  };

  return {
    feed(text: string): void {
      if (text.length === 0) return;
      let start = 0;
      if (pendingCr) {
        pendingCr = false;
        if (text.charCodeAt(0) === 10) start = 1;
      }
      buffer += start === 0 ? text : text.slice(start);
      let pos = 0;
      for (;;) {
        let nl = -1;
        for (let i = pos; i < buffer.length; i++) {
          const c = buffer.charCodeAt(i);
          if (c === 10 || c === 13) { nl = i; break; }
        }
        if (nl < 0) break;
        line(buffer.slice(pos, nl));
        if (buffer.charCodeAt(nl) === 13) {
          if (nl + 1 === buffer.length) { pendingCr = true; pos = nl + 1; break; }
          pos = buffer.charCodeAt(nl + 1) === 10 ? nl + 2 : nl + 1;
        } else {
          pos = nl + 1;
        }
      }
      buffer = pos === 0 ? buffer : buffer.slice(pos);
    },
    end(): void {
      buffer = '';
      pendingCr = false;
      dispatch();
    },
  };
}
