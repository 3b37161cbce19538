// Attribution on googlenet.onnx at 224 px, against the passes it is made of: Grad-CAM (at inception4e and at the
// default inception5b) vs one forward + backward to the input; Integrated Gradients' 32 steps (batched 8) vs one
// step; SmoothGrad's 25 samples; occlusion's windows batched vs one forward each.
import { join } from 'node:path';
import { loadModel } from '../src/core/node/loadModelFile';
import { attributionTimer } from './attributionTimer';
import { line, medianMs } from './timing';

export async function benchAttribution(backend: string, fixtures: string): Promise<void> {
  const model = await loadModel(join(fixtures, 'googlenet.onnx'));
  const slow = backend === 'cpu';
  const runs = slow ? 1 : 3;
  const timer = attributionTimer(model, runs);
  const { input, time } = timer;
  try {
    const fb = await timer.forwardBackward();
    line(`[${backend}] googlenet.onnx forward + backward to the input, 224 px`, `${fb.toFixed(0)} ms`);
    for (const camLayerId of ['inception4e', 'inception5b']) {
      const ms = await time({ method: 'gradcam', camLayerId });
      line(`[${backend}] googlenet.onnx Grad-CAM at ${camLayerId}, 224 px`, `${ms.toFixed(0)} ms (${(ms / fb).toFixed(2)}× forward + backward; target ≤ 1.5×)`);
    }
    const saliency = await time({ method: 'saliency' });
    line(`[${backend}] googlenet.onnx saliency, 224 px`, `${saliency.toFixed(0)} ms (${(saliency / fb).toFixed(2)}× forward + backward)`);
    if (slow) return;
    const one = await time({ method: 'ig', steps: 1, batchSize: 1 });
    const ig = await time({ method: 'ig', steps: 32, batchSize: 8 }, 1);
    line(`[${backend}] googlenet.onnx Integrated Gradients, 32 steps batched 8 vs 1 step`, `${ig.toFixed(0)} ms vs ${one.toFixed(0)} ms (${(ig / one).toFixed(2)}×; target ≤ 8×)`);
    const sg = await time({ method: 'smoothgrad', samples: 25, batchSize: 8 }, 1);
    line(`[${backend}] googlenet.onnx SmoothGrad, 25 samples batched 8`, `${sg.toFixed(0)} ms (${(sg / saliency).toFixed(2)}× saliency)`);
    const forward = await medianMs(runs, () => {
      const [y] = model.forward(input, model.info.outputIds);
      y.dataSync();
      y.dispose();
    });
    const occ = await time({ method: 'occlusion', window: 32, stride: 32, batchSize: 8 }, 1);
    line(`[${backend}] googlenet.onnx occlusion, 49 windows of 32 px batched 8`, `${occ.toFixed(0)} ms (${(occ / 50).toFixed(0)} ms a window; one forward ${forward.toFixed(0)} ms)`);
  } finally {
    timer.dispose();
    model.dispose();
  }
}
