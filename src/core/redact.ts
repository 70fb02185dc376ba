/**
 * The one redaction every error text goes through before it can reach samples.jsonl, a report or the
 * terminal: known secrets (the API keys a config names) verbatim, plus what looks like a credential
 * whatever its origin — a bearer/basic token, an OpenAI-style `sk-…` key, or an api-key/authorization
 * header or field echoed back by a server.
 */
export const REDACTED = '[redacted]';

const PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  [/\b(sk|rk|pk)-[A-Za-z0-9_-]{6,}/g, `$1-${REDACTED}`],
  [/((?:x-)?api[_-]?key|authorization|access[_-]?token)(["']?\s*[:=]\s*["']?)(?!\[redacted\]|Bearer\b|Basic\b)[A-Za-z0-9._~+/=-]{12,}/gi, `$1$2${REDACTED}`],
];

export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}
