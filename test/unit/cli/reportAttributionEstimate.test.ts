// The report's note on the costly attribution methods states what one forward + backward costs: on GoogLeNet the
// first input gradient (saliency) pays the backend's warm-up, so the estimate must not exceed the cost of a warm
// pass measured right after it (gradient × input), or the note overstates the time (~518 s instead of ~25 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { attributionSectionWith } from '../../../src/cli/report/attributionSection';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { useBackend } from '../../helpers/backend';
import { onnxFixture } from '../../helpers/paths';
import { encodePng } from '../../../src/core/image/encodePng';
import { writeFileSync } from 'node:fs';
import { tempFolder } from '../topk/topkFixtures';
import { collectingReportContext } from '../../helpers/reportContext';

test('GoogLeNet: the left-out note gives a cost per pass no more than the saliency or gradient × input pass it is taken from', async () => {
  await useBackend('wasm');
  const modelPath = onnxFixture('googlenet.onnx');
  const model = await loadModel(modelPath);
  const dir = tempFolder('layer-lens-report-estimate-');
  const rgba = new Uint8ClampedArray(256 * 256 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251));
  const image = join(dir, 'pattern.png');
  writeFileSync(image, encodePng(rgba, 256, 256));
  const failures: string[] = [];
  try {
    const html = await attributionSectionWith(0)(collectingReportContext({ model, modelPath, outDir: dir, images: [image], backend: 'wasm' }, failures));
    assert.deepEqual(failures, []);
    const passMs = (label: string) => Number(new RegExp(`${label}: [^<]*\\(1 pass, (\\d+) ms\\)`).exec(html)?.[1]);
    const saliency = passMs('Saliency');
    const gradxinput = passMs('Gradient × input');
    const note = Number(/one forward \+ backward takes (\d+) ms here/.exec(html)?.[1]);
    assert.ok(Number.isFinite(saliency) && Number.isFinite(gradxinput) && Number.isFinite(note), html);
    assert.ok(note <= Math.min(saliency, gradxinput), `the note says ${note} ms a pass; saliency took ${saliency} ms, gradient × input ${gradxinput} ms`);
  } finally {
    model.dispose();
  }
});
