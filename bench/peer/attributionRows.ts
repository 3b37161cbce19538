// bench:peer's attribution rows: Layer Lens's core against PyTorch (bench/peer/attributionPeer.py) on GoogLeNet at
// 224 px, the same work on each side (Grad-CAM at inception4e, one forward + backward, IG, SmoothGrad, occlusion).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { LoadedModel } from '../../src/core/model/loadedModel';
import { attributionTimer } from '../attributionTimer';
import { PYTHON, type TorchResult } from './torchSide';

function torchAttribution(root: string, runs: number): Map<string, number> {
  const r = spawnSync(PYTHON, [join(root, 'bench/peer/attributionPeer.py'), '--threads', '2', '--runs', String(runs)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`attributionPeer.py failed (${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`);
  const results = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as TorchResult);
  return new Map(results.map((x) => [x.task, x.ms]));
}

/** Prints the rows through `row` (task, Layer Lens, PyTorch, ratio, target); returns the detail lines. */
export async function attributionRows(root: string, model: LoadedModel, runs: number, row: (task: string, ll: string, pt: string, ratio: string, verdict: string) => void): Promise<string[]> {
  const pt = torchAttribution(root, runs);
  const timer = attributionTimer(model, runs);
  const { time } = timer;
  try {
    const fb = await timer.forwardBackward();
    const ll: [string, number, string, number][] = [
      ['forward + backward, 224 px', fb, 'forwardBackward', 0],
      ['Grad-CAM at inception4e', await time({ method: 'gradcam', camLayerId: 'inception4e' }), 'gradcam', 0],
      ['IG 1 step', await time({ method: 'ig', steps: 1, batchSize: 1 }), 'ig1', 0],
      ['IG 32 steps, batches of 8', await time({ method: 'ig', steps: 32, batchSize: 8 }, 1), 'ig32', 0],
      ['SmoothGrad 25 samples, batches of 8', await time({ method: 'smoothgrad', samples: 25, batchSize: 8 }, 1), 'smoothgrad25', 0],
      ['occlusion 49 × 32 px, batches of 8', await time({ method: 'occlusion', window: 32, stride: 32, batchSize: 8 }, 1), 'occlusion49', 0],
    ];
    for (const [task, ms, key] of ll) {
      const theirs = pt.get(key) ?? NaN;
      const ratio = ms / theirs;
      row(task, `${ms.toFixed(0)} ms`, `${theirs.toFixed(0)} ms`, `${ratio.toFixed(2)}×`, `<= 2× ${ratio <= 2 ? 'MET' : 'not met'}`);
    }
    const cam = ll[1][1] / fb;
    const ig = ll[3][1] / ll[2][1];
    return [
      `attribution: Grad-CAM ${cam.toFixed(2)}× one forward + backward (target ≤ 1.5×; PyTorch ${((pt.get('gradcam') ?? NaN) / (pt.get('forwardBackward') ?? NaN)).toFixed(2)}×); ` +
        `IG 32 steps ${ig.toFixed(2)}× one step (target ≤ 8×; PyTorch ${((pt.get('ig32') ?? NaN) / (pt.get('ig1') ?? NaN)).toFixed(2)}×)`,
    ];
  } finally {
    timer.dispose();
  }
}
