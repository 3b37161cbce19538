// The batched rows of `npm run bench:peer`: GoogLeNet → inception4a Lucid steps for 1, 8 and 32 units at once (one
// image per unit, the objective summed over the batch), Layer Lens and PyTorch (2 threads) back to back, in ms per
// unit. Batching is what the atlas, IG, SmoothGrad, occlusion and top-k run on, and on a CPU it pays far less than
// on a GPU: the rows show how each side's per-unit cost moves with the batch.
import type { LoadedModel } from '../../src/core/model/loadedModel';
import { lucidBatchMsPerStep } from './layerLensSide';
import { pick, runTorch } from './torchSide';

export const BATCHED_UNITS = [8, 32] as const;

type Row = (task: string, ll: string, pt: string, ratio: string, verdict: string) => void;

/** Prints one row per batch of BATCHED_UNITS and returns the detail lines (per step, scaling against one unit, FLOP rates). */
export async function batchedRows(
  root: string, model: LoadedModel, layer: string, size: number, steps: number, runs: number, row: Row, gflops: (macs: number | undefined, ms: number) => string,
): Promise<string[]> {
  const torch = (units: number) => pick(runTorch(root, [
    '--only', 'lucid', '--units', String(units), '--threads', '2', '--size', String(size), '--layer', layer, '--steps', String(steps), '--runs', String(runs),
  ]), 'lucid');
  const one = { ll: await lucidBatchMsPerStep(model, layer, 1, size, steps, runs), pt: torch(1).ms };
  const details = [`batched Lucid steps (${steps} steps × ${runs} runs, median): one unit Layer Lens ${one.ll.toFixed(1)} ms, PyTorch ${one.pt.toFixed(1)} ms`];
  for (const units of BATCHED_UNITS) {
    const pt = torch(units);
    const ll = await lucidBatchMsPerStep(model, layer, units, size, steps, runs);
    const ratio = ll / pt.ms;
    row(`Lucid step → ${layer}, ${units} units`, `${(ll / units).toFixed(1)} ms/unit`, `${(pt.ms / units).toFixed(1)} ms/unit`, `${ratio.toFixed(2)}×`, `<= 2× ${ratio <= 2 ? 'MET' : 'not met'}`);
    details.push(
      `  ${units} units: a step ${ll.toFixed(0)} ms (${(ll / one.ll).toFixed(1)}× one unit's), PyTorch ${pt.ms.toFixed(0)} ms (${(pt.ms / one.pt).toFixed(1)}×); ` +
        `Layer Lens ${gflops(pt.macs, ll)}; PyTorch ${gflops(pt.macs, pt.ms)}`,
    );
  }
  return details;
}
