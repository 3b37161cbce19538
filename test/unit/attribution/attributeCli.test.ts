// `layer-lens attribute` on the sample model: the .npy holds the raw map the core computes in this process (same
// image, same preprocessing), the .png is that map over the image at the model's input size, IG prints its
// completeness, and bad arguments are one sentence naming the argument or file, before the model loads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { tempDir } from '../model/tinyModels';
import { readNpy } from '../../../src/core/io/npy';
import { decodePng } from '../../../src/core/image/decodePng';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { loadModelInput } from '../../../src/core/node/imageFiles';
import { explain } from '../../../src/core/attribution';
import { toDisplayRgba } from '../../../src/core/preprocess';
import { relativeL2 } from './attributionRefs';

const MODEL = join(sampleModelDir, 'model.json');
const IMAGE = join(sampleModelDir, 'samples/digit-3-a.png');

describe('layer-lens attribute', () => {
  let out: string;
  before(() => {
    out = tempDir();
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('writes <method>.npy (float32 H×W raw map) and <method>.png (the overlay) for each method', async () => {
    const r = runCli(['attribute', '--model', MODEL, '--input', IMAGE, '--method', 'gradcam,ig', '--class', '3', '--steps', '16', '--out', out, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { maps: { method: string; npy: string; png: string; target: string; completeness?: { gap: number } }[] };
    assert.deepEqual(summary.maps.map((m) => m.method), ['gradcam', 'ig']);
    assert.equal(summary.maps[0].target, 'class 3 (logit)');
    assert.ok(summary.maps[1].completeness!.gap < 0.05, `IG gap ${summary.maps[1].completeness!.gap}`);

    await useBackend('wasm', { nativeKernels: true }); // as the CLI runs
    const model = await loadModel(MODEL);
    const { input, spec } = await loadModelInput(model, IMAGE);
    try {
      const background = (await toDisplayRgba(input, spec)).data;
      for (const method of ['gradcam', 'ig'] as const) {
        const npy = readNpy(readFileSync(join(out, `${method}.npy`)), `${method}.npy`);
        assert.deepEqual(npy.shape, [28, 28]);
        const here = await explain(model, input, { method, steps: 16, target: { kind: 'class', classIndex: 3 } }, { inputSpec: spec });
        const err = relativeL2(npy.data, here.data);
        assert.ok(err < 1e-4, `${method}: the file differs from the map computed here (relative L2 ${err})`);
        const png = decodePng(readFileSync(join(out, `${method}.png`)));
        assert.deepEqual([png.width, png.height], [28, 28]);
        // The overlay is not the bare image, and the map's strongest and weakest pixels are drawn differently.
        const data = png.data;
        let changed = 0;
        for (let i = 0; i < background.length; i += 4) if (Math.abs(data[i] - background[i]) + Math.abs(data[i + 2] - background[i + 2]) > 8) changed++;
        assert.ok(changed > 28 * 28 * 0.5, `${method}: only ${changed} pixels differ from the image`);
        const hi = npy.data.indexOf(Math.max(...npy.data));
        const lo = npy.data.indexOf(Math.min(...npy.data));
        assert.notDeepEqual([...data.subarray(hi * 4, hi * 4 + 3)], [...data.subarray(lo * 4, lo * 4 + 3)]);
      }
    } finally {
      input.dispose();
      model.dispose();
    }
  });

  it('refuses bad arguments in one sentence naming them, before the model loads', () => {
    const cases: [string[], RegExp, number][] = [
      [['--input', join(out, 'nope.png'), '--method', 'ig'], /--input .*nope\.png does not exist\./, 1],
      [['--input', IMAGE, '--method', 'gradcam,heatmap'], /--method must be one of gradcam, .*, not heatmap\./, 2],
    ];
    for (const [args, message, status] of cases) {
      const r = runCli(['attribute', '--model', MODEL, ...args, '--out', out]);
      assert.equal(r.status, status, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
