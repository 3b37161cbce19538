// What the report's captions claim about the shipped sample model must be true of it: a conv2 channel that never
// fires on the samples shows no "top images" (they would be ties at 0, drawn with a box at the corner), and a
// kernel with one input channel is not called a mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { repoRoot } from '../../helpers/paths';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { kernelsSection } from '../../../src/cli/report/kernelsSection';
import { topkSection } from '../../../src/cli/report/topkSection';
import type { ReportContext } from '../../../src/cli/report/reportTypes';
import { tempFolder } from '../topk/topkFixtures';

const SAMPLE_DIR = join(repoRoot, 'models/mnist-cnn');

async function sampleContext(): Promise<ReportContext> {
  await useBackend('wasm');
  const modelPath = join(SAMPLE_DIR, 'model.json');
  const samples = join(SAMPLE_DIR, 'samples');
  return {
    model: await loadModel(modelPath), modelPath, outDir: tempFolder('layer-lens-report-captions-'),
    images: readdirSync(samples).filter((f) => f.endsWith('.png')).sort().map((f) => join(samples, f)), backend: 'wasm', steps: 8, log: () => {},
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
