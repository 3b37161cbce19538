// Errors that are not ours (TF.js, V8, Node) never reach a user as they are: the messages we recognize become a
// clause in our words, the rest are named only by what failed and where. Their raw text belongs in a log.
import { quoteName } from './userText';

export interface FailureContext {
  /** What was being done, as the subject of a sentence: "Activation maximization", "Reading the kernels". */
  action?: string;
  /** The file it was done on. */
  file?: string;
  /** A clause saying where the raw text can be read: "the Layer Lens output channel has the details". */
  details?: string;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return '';
}

/** A name quoted from a foreign message: a word of at most 80 characters, else nothing. */
function name(s: string | undefined): string {
  return s && /^[\w./:-]{1,80}$/.test(s) ? s : '';
}

const NODE_CODES: Record<string, string> = {
  ENOENT: 'a file it needs does not exist',
  EACCES: 'permission to a file was denied',
  EPERM: 'permission to a file was denied',
  ENOSPC: 'the disk is full',
  EISDIR: 'a folder was given where a file is needed',
  ENOTDIR: 'a file was given where a folder is needed',
  EMFILE: 'too many files are open',
  EROFS: 'the file system is read-only',
};

/**
 * The cause of a TF.js, V8 or Node error as a clause in our words, or '' when we do not recognize it (its text
 * would only confuse a user: property access inside a library, advice addressed to TF.js developers).
 */
export function knownCause(err: unknown): string {
  const text = messageOf(err);
  let m = /Kernel '([^']*)' not registered for backend '([^']*)'/.exec(text);
  if (m && name(m[1]) && name(m[2])) return `the ${m[2]} backend has no kernel ${m[1]}`;
  m = /gradient function not found for (\S+?)\.?$/m.exec(text);
  if (m && name(m[1])) return `the op ${m[1]} has no gradient in TensorFlow.js`;
  m = /Error in gradient for op (\S+?)\./.exec(text);
  if (m && name(m[1])) return `the gradient of the op ${m[1]} gave a wrong result`;
  m = /the dynamic op '([^']*)'/.exec(text);
  if (m && name(m[1])) return `the op ${m[1]} runs only asynchronously, which Layer Lens does not support`;
  m = /[Oo]p(?:eration)? '?([\w.]+)'? is not (?:yet )?(?:supported|implemented)/.exec(text);
  if (m && name(m[1])) return `TensorFlow.js cannot run the op ${m[1]}`;
  if (/out of memory|allocation failed|Invalid (?:typed )?array length|Array buffer allocation|RangeError: Array buffer/i.test(text)) return 'it ran out of memory';
  if (/Maximum call stack size/.test(text)) return 'the model is nested too deeply';
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && NODE_CODES[code]) return NODE_CODES[code] as string;
  return '';
}

/** One sentence for an error that is not a LayerLensError: what failed, on which file, and why when we can tell. */
export function foreignErrorSentence(err: unknown, context: FailureContext = {}): string {
  const cause = knownCause(err);
  const action = context.action ?? 'Layer Lens';
  const where = context.file ? ` on ${quoteName(context.file, 200)}` : '';
  const details = context.details ? `; ${context.details}` : '';
  return cause ? `${action}${where} failed: ${cause}.` : `${action}${where} failed with an internal error${details}.`;
}
