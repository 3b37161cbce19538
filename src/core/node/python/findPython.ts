// Node-only: finds the user's Python that has torch, among the candidates the caller names.
import { LayerLensError } from '../../../shared/errors';

export interface TorchPython {
  python: string;
  torchVersion: string;
  torchvisionVersion?: string;
  onnxVersion?: string;
}

/** First candidate that imports torch; throws LayerLensError('noPython', one sentence naming what was tried and what to install). */
export async function findTorchPython(candidates: readonly string[], signal?: AbortSignal): Promise<TorchPython> {
  void signal;
  throw new LayerLensError('noPython', `No Python with torch was found (tried ${candidates.join(', ')}); install torch.`);
}

/** Candidates for the CLI: --python, LAYER_LENS_PYTHON, python3, python. */
export function defaultPythonCandidates(explicit?: string): string[] {
  const list = [explicit, process.env.LAYER_LENS_PYTHON, 'python3', 'python'].filter((p): p is string => Boolean(p));
  return [...new Set(list)];
}
