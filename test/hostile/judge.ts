// Decides whether one CLI run met its case's expectation, and if not, which way it failed.
import type { CaseRun, HostileCase } from './corpusTypes';

export type FailureKind = 'hang' | 'crash' | 'internals' | 'unclear' | 'acceptedBad' | 'refusedValid' | 'wrongOutput';

export const FAILURE_LABELS: Record<FailureKind, string> = {
  hang: 'hung (killed at the time limit)',
  crash: 'crashed (signal or abort)',
  internals: 'printed internals',
  unclear: 'unclear error (not one sentence naming the file)',
  acceptedBad: 'bad input accepted (exit 0)',
  refusedValid: 'valid input refused',
  wrongOutput: 'accepted with wrong or cut output',
};

export type Verdict = { ok: true } | { ok: false; kind: FailureKind; detail: string };

/** Texts that only a library, V8 or Node itself would print; a user should never see them. */
const INTERNALS: (string | RegExp)[] = [
  'tfjs', 'File an issue', 'Cannot read properties', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError',
  'Invalid typed array length', 'Maximum call stack', 'is not a function', 'is not iterable', '[object Object]',
  'undefined', 'node:internal', 'Unexpected token', 'Unexpected end of JSON', 'in JSON at position', 'is not valid JSON',
  'index out of range', 'invalid wire type', 'FATAL ERROR', 'heap out of memory', 'Aborted(', 'RuntimeError',
  'Array buffer allocation failed', 'Invalid array length', 'Invalid string length',
  /^\s+at\s/m, /\bError: /, /\bE(NOENT|ISDIR|LOOP|ACCES|NOTDIR|PIPE|AGAIN|SPIPE|NXIO|INVAL|MFILE|NAMETOOLONG)\b/, /\bERR_[A-Z_]+/,
];

/** stderr with the case's own paths blanked out, so that a folder named `tfjs` is not mistaken for an internal. */
function scrubbed(c: HostileCase, stderr: string): string {
  const paths = [...c.args, ...c.names].filter((a) => a.length > 3).sort((a, b) => b.length - a.length);
  let s = stderr;
  for (const p of paths) s = s.split(p).join('<path>');
  // Other files of the corpus (a weight file beside the model) sit in folders named after the classes, e.g. tfjs/.
  return s.replace(/\S*\.cache\/hostile\/\S*/g, '<path>');
}

function internal(text: string): string | null {
  for (const pat of INTERNALS) {
    const m = typeof pat === 'string' ? (text.includes(pat) ? pat : null) : text.match(pat)?.[0];
    if (m) return m.trim();
  }
  return null;
}

function crashed(run: CaseRun): boolean {
  return run.signal !== null || (run.status !== null && run.status >= 128);
}

function refusal(c: HostileCase, run: CaseRun): Verdict {
  const text = scrubbed(c, run.stderr).trim();
  const leak = internal(text);
  if (leak) return { ok: false, kind: 'internals', detail: `"${leak}" in: ${clip(run.stderr)}` };
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) return { ok: false, kind: 'unclear', detail: `${lines.length} lines on stderr: ${clip(run.stderr)}` };
  const sentences = lines[0]!.split(/[.!?]\s+(?=\S)/).length;
  if (sentences !== 1) return { ok: false, kind: 'unclear', detail: `${sentences} sentences: ${clip(run.stderr)}` };
  if (c.names.length > 0 && !c.names.some((n) => run.stderr.includes(n))) {
    return { ok: false, kind: 'unclear', detail: `names none of ${c.names.map((n) => n.split('/').slice(-2).join('/')).join(', ')}: ${clip(run.stderr)}` };
  }
  return { ok: true };
}

function acceptance(c: HostileCase, run: CaseRun): Verdict {
  const leak = internal(scrubbed(c, run.stderr));
  if (leak) return { ok: false, kind: 'internals', detail: `"${leak}" in: ${clip(run.stderr)}` };
  const problem = c.check?.(run) ?? null;
  return problem ? { ok: false, kind: 'wrongOutput', detail: problem } : { ok: true };
}

export function judge(c: HostileCase, run: CaseRun): Verdict {
  if (run.timedOut) return { ok: false, kind: 'hang', detail: `no exit after ${Math.round(run.ms / 1000)} s` };
  if (crashed(run)) return { ok: false, kind: 'crash', detail: `status ${run.status}, signal ${run.signal}: ${clip(run.stderr)}` };
  switch (c.expect) {
    case 'quiet': {
      const leak = internal(scrubbed(c, run.stderr));
      return leak ? { ok: false, kind: 'internals', detail: `"${leak}" in: ${clip(run.stderr)}` } : { ok: true };
    }
    case 'refuse':
      return run.status === 0 ? { ok: false, kind: 'acceptedBad', detail: `exit 0, stdout: ${clip(run.stdout)}` } : refusal(c, run);
    case 'accept':
      return run.status === 0 ? acceptance(c, run) : { ok: false, kind: 'refusedValid', detail: `exit ${run.status}: ${clip(run.stderr)}` };
    case 'either':
      return run.status === 0 ? acceptance(c, run) : refusal(c, run);
  }
}

function clip(s: string, n = 400): string {
  const one = s.trim().replace(/\s*\n\s*/g, ' ⏎ ');
  return one.length > n ? `${one.slice(0, n)}…` : one || '(empty)';
}
