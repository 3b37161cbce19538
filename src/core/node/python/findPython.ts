// Node-only: finds the user's Python that has torch, among the candidates the caller names.
import { LayerLensError } from '../../../shared/errors';
import { quoteName } from '../../../shared/userText';
import { runTorchHelper } from './runPython';

export interface TorchPython {
  /** The candidate as given (a path or a command on PATH). */
  python: string;
  torchVersion: string;
  torchvisionVersion?: string;
  onnxVersion?: string;
}

/** A cold `import torch` can take tens of seconds on a busy machine. */
const PROBE_TIMEOUT_MS = 90_000;

/**
 * The first candidate that imports torch. Throws LayerLensError('noPython') with one sentence naming every
 * candidate tried, why each failed, and what to install; 'cancelled' when the signal fires.
 */
export async function findTorchPython(candidates: readonly string[], signal?: AbortSignal): Promise<TorchPython> {
  const tried: string[] = [];
  for (const python of candidates) {
    try {
      const outcome = await runTorchHelper({ python, args: ['probe'], what: `Checking ${python} for torch`, timeoutMs: PROBE_TIMEOUT_MS, signal });
      if (outcome.ok) {
        const r = outcome.result;
        const found: TorchPython = { python, torchVersion: String(r.torch) };
        if (typeof r.torchvision === 'string') found.torchvisionVersion = r.torchvision;
        if (typeof r.onnx === 'string') found.onnxVersion = r.onnx;
        return found;
      }
      tried.push(`${quoteName(python)} (${outcome.failure.kind === 'noTorch' ? 'no torch' : 'its check failed'})`);
    } catch (err) {
      if (err instanceof LayerLensError && err.code === 'cancelled') throw err;
      const missing = err instanceof LayerLensError && err.code === 'noPython';
      tried.push(`${quoteName(python)} (${missing ? 'not found' : 'did not answer'})`);
    }
  }
  const list = tried.length > 0 ? tried.join(', ') : 'no Python was named';
  throw new LayerLensError(
    'noPython',
    `No Python with PyTorch was found (tried ${list}); install torch for your Python (pip install torch torchvision onnx) or name a Python that has it.`,
  );
}

/** Candidates for the CLI: --python, LAYER_LENS_PYTHON, python3, python. */
export function defaultPythonCandidates(explicit?: string): string[] {
  const list = [explicit, process.env.LAYER_LENS_PYTHON, 'python3', 'python'].filter((p): p is string => Boolean(p));
  return [...new Set(list)];
}
