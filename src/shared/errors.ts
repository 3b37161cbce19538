// Errors that reach the user. One sentence, naming the file and the problem; the code lets the host react.
import { foreignErrorSentence, type FailureContext } from './foreignErrors';
import { oneLine } from './userText';

export type ErrorCode =
  | 'notFound'
  | 'notJson'
  | 'notAModel'
  | 'missingWeights'
  | 'badWeights'
  | 'pathEscape'
  | 'unknownLayer'
  | 'unsupportedOp'
  | 'malformedModel'
  | 'unresolvedShape'
  | 'notAnImage'
  | 'imageTooLarge'
  | 'badArgument'
  | 'cancelled'
  | 'engineCrashed'
  | 'noPython'
  | 'conversionFailed'
  /** A PyTorch file the user has not converted yet: opening it runs their Python. */
  | 'notConverted'
  | 'internal';

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** Text the user may copy as is (code that fixes the problem, several lines); shown apart from the sentence. */
  snippet?: string;
}

/** The one error type the core throws on bad input. `message` is shown to the user as is. */
export class LayerLensError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Copyable text (e.g. the Python that exports a model), kept apart from the one-line message. */
    readonly snippet?: string,
  ) {
    // Names quoted from a hostile file may hold line breaks; the message the user reads is always one line.
    super(oneLine(message));
    this.name = 'LayerLensError';
  }

  toPayload(): ErrorPayload {
    return this.snippet === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, snippet: this.snippet };
  }
}

/**
 * Turns anything thrown into a payload. An unknown error (TF.js, V8, Node) is marked internal and its text replaced
 * by a sentence of ours that says what failed on which file (`context`); the caller logs the raw text if it wants it.
 */
export function toErrorPayload(err: unknown, context?: FailureContext): ErrorPayload {
  if (err instanceof LayerLensError) return err.toPayload();
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const { code, message } = err as { code: unknown; message: unknown };
    if (typeof code === 'string' && typeof message === 'string' && isErrorCode(code)) return { code, message };
  }
  return { code: 'internal', message: oneLine(foreignErrorSentence(err, context)) };
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'notFound', 'notJson', 'notAModel', 'missingWeights', 'badWeights', 'pathEscape', 'unknownLayer',
  'unsupportedOp', 'malformedModel', 'unresolvedShape', 'notAnImage', 'imageTooLarge', 'badArgument',
  'cancelled', 'engineCrashed', 'noPython', 'conversionFailed', 'notConverted', 'internal',
]);

export function isErrorCode(code: string): code is ErrorCode {
  return ERROR_CODES.has(code);
}
