// What the report's captions claim about the shipped sample model must be true of it: a conv2 channel that never
// fires on the samples shows no "top images" (they would be ties at 0, drawn with a box at the corner), and a
// kernel with one input channel is not called a mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { repoRoot } from '../../helpers/paths';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { kernelsSection } from '../../../src/cli/report/kernelsSection';
import { topkSection } from '../../../src/cli/report/topkSection';
import { actmaxSection } from '../../../src/cli/report/actmaxSection';
import { rowLayout, rowSize } from '../../../src/core/topk/topkPictures';
import { saveLayersModel } from '../model/tinyModels';
import type { ReportContext } from '../../../src/cli/report/reportTypes';
import { tempFolder } from '../topk/topkFixtures';

const SAMPLE_DIR = join(repoRoot, 'models/mnist-cnn');

async function sampleContext(imageCount = 20, modelPath = join(SAMPLE_DIR, 'model.json')): Promise<ReportContext> {
  await useBackend('wasm');
  const samples = join(SAMPLE_DIR, 'samples');
  return {
    model: await loadModel(modelPath), modelPath, outDir: tempFolder('layer-lens-report-captions-'),
    images: readdirSync(samples).filter((f) => f.endsWith('.png')).sort().slice(0, imageCount).map((f) => join(samples, f)), backend: 'wasm', steps: 8, log: () => {},
    part: (_what, run) => run(),
    fail: (what, err) => {
      throw new Error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    },
    skipImage: (path, reason) => {
      throw new Error(`${path} was skipped: ${reason}`);
    },
  };
}

test('dataset examples: a channel that never fires is said to, with no picture; every drawn channel fired', async () => {
  const ctx = await sampleContext();
  try {
    const html = await topkSection(ctx);
    const dead = [...html.matchAll(/channel (\d+): never active on these 20 images \(max ([-\d.e]+)\), so it has no top images\./g)];
    // conv2's channel 11 is 0 on every sample of the shipped model (its feature maps show it flat).
    assert.ok(dead.some((m) => m[1] === '11'), html.slice(0, 2000));
    for (const [, c] of dead) assert.ok(!existsSync(join(ctx.outDir, `topk-conv2-${c}.png`)), `channel ${c} has no top images to draw`);
    const drawn = [...html.matchAll(/topk-conv2-(\d+)\.png/g)].map((m) => Number(m[1]));
    assert.equal(new Set(drawn).size + dead.length, 32, 'every channel is either drawn or said to be inactive');
    for (const [, value] of html.matchAll(/channel \d+: max ([-\d.e]+)</g)) assert.ok(Number(value) > 0, `a drawn channel's max is ${value}`);
  } finally {
    ctx.model.dispose();
  }
});

test('kernels: one input channel is drawn as itself, not called a mean; several are', async () => {
  const ctx = await sampleContext();
  try {
    const html = await kernelsSection(ctx);
    assert.match(html, /conv1: 16 tiles, kernel 3×3×1×16</);
    assert.match(html, /conv2: 32 tiles, kernel 3×3×16×32 \(mean\)</);
  } finally {
    ctx.model.dispose();
  }
});

test('dataset examples over fewer images than 5: a slot per image, and the note counts them as they are', async () => {
  const ctx = await sampleContext(3);
  try {
    const html = await topkSection(ctx);
    assert.match(html, /The 3 images that activate each channel of conv2 most/);
    const first = /src="(topk-conv2-\d+\.png)"/.exec(html)?.[1];
    assert.ok(first, html.slice(0, 1000));
    const png = decode(readFileSync(join(ctx.outDir, first)));
    assert.equal(png.width, rowSize(3, rowLayout({ input: [28, 28] }, 56)).width, 'three slots, no empty fourth and fifth');
  } finally {
    ctx.model.dispose();
  }
});

test('activation maximization of a layer wider than the 64 drawn does not say "every channel"', async () => {
  await useBackend('wasm');
  const input = tfl.input({ shape: [8, 8, 1], name: 'input' });
  const wide = tfl.layers.conv2d({ name: 'wide', filters: 70, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(input) as tfl.SymbolicTensor;
  const modelPath = await saveLayersModel(tfl.model({ name: 'wide70', inputs: input, outputs: wide }), tempFolder('layer-lens-report-wide-'));
  const ctx = { ...(await sampleContext(1, modelPath)), layers: ['wide'], steps: 1 };
  try {
    const html = await actmaxSection(ctx);
    assert.match(html, /<h3>wide: the first 64 of 70 channels<\/h3>/);
    assert.doesNotMatch(html, /every channel/);
  } finally {
    ctx.model.dispose();
  }
});
