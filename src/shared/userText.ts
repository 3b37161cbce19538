// Text that came from a file (a layer class, an op type, an input name, a weight path) is quoted into messages the
// user reads. A hostile file can put line breaks, fake stack lines or megabytes into those names; these helpers keep
// every message on one line, short, and in our own words.

/** Every control character (line breaks, tabs, NUL, U+2028/9) written as a visible escape, so a message stays one line. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** A name from a file, safe to quote: one line, and at most `max` characters (the rest elided, its length said). */
export function quoteName(name: string, max = 120): string {
  const flat = oneLine(name);
  if (flat.length <= max) return flat;
  const keep = Math.max(8, Math.floor((max - 1) / 2));
  return `${flat.slice(0, keep)}…${flat.slice(-keep)} (${name.length} characters)`;
}

/**
 * Why a text is not JSON, as a clause in our words ("it is empty", "it ends at character 30 of 3,025, before the
 * JSON is complete", "it has something unexpected at line 2, column 5"), from the position V8's message gives.
 */
export function jsonProblem(text: string, err: unknown): string {
  if (text.trim() === '') return 'it is empty';
  const message = err instanceof Error ? err.message : String(err);
  const position = /position (\d+)/.exec(message);
  const at = position ? Number(position[1]) : undefined;
  const ended = /end of JSON|Unterminated/i.test(message) || (at !== undefined && at >= text.trimEnd().length);
  if (ended) return `it stops at character ${text.length.toLocaleString('en-US')} before the JSON is complete`;
  if (at === undefined) return 'it is not well-formed JSON';
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return `it has something unexpected at line ${line}, column ${column}`;
}
