// Why a part of the report did not run, as one sentence a user can act on. Our own errors already are such a
// sentence; TF.js and V8 errors are recognized by what they mean and retold, never quoted.
import { LayerLensError } from '../../shared/errors';

/** A part that failed: what it was, and why. */
export interface PartFailure {
  what: string;
  why: string;
}

const NO_GRADIENT = /gradient function not found for (\w+)/i;
const NO_KERNEL = /Kernel '(\w+)' not registered for backend '(\w+)'/i;
const OUT_OF_MEMORY = /out of memory|allocation failed|Invalid (typed )?array length|Array buffer allocation/i;

export function failureReason(err: unknown, backend: string): string {
  if (err instanceof LayerLensError) return err.message;
  const errno = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) return `Its image could not be written or read (${errno}).`;
  const text = err instanceof Error ? err.message : String(err);
  const gradient = NO_GRADIENT.exec(text);
  if (gradient) {
    return `Activation maximization cannot pass back through the model's ${gradient[1]} op, which has no input gradient; kernels, feature maps and top-k still work.`;
  }
  const kernel = NO_KERNEL.exec(text);
  if (kernel) return `The ${kernel[2]} backend cannot run the model's ${kernel[1]} op; try --backend cpu.`;
  if (OUT_OF_MEMORY.test(text)) return 'It ran out of memory; fewer --layers or --images, or a smaller model, may fit.';
  return `It failed inside TF.js on the ${backend} backend (LAYER_LENS_DEBUG=1 prints the error on stderr).`;
}
