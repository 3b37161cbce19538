// Errors that reach the user. One sentence, naming the file and the problem; the code lets the host react.
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
  | 'internal';

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

/** The one error type the core throws on bad input. `message` is shown to the user as is. */
export class LayerLensError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    // Names quoted from a hostile file may hold line breaks; the message the user reads is always one line.
    super(oneLine(message));
    this.name = 'LayerLensError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into a payload; unknown errors keep their message but are marked internal. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof LayerLensError) return err.toPayload();
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const { code, message } = err as { code: unknown; message: unknown };
    if (typeof code === 'string' && typeof message === 'string' && isErrorCode(code)) return { code, message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'notFound', 'notJson', 'notAModel', 'missingWeights', 'badWeights', 'pathEscape', 'unknownLayer',
  'unsupportedOp', 'malformedModel', 'unresolvedShape', 'notAnImage', 'imageTooLarge', 'badArgument',
  'cancelled', 'engineCrashed', 'internal',
]);

export function isErrorCode(code: string): code is ErrorCode {
  return ERROR_CODES.has(code);
}
