// The real `layer-lens` command on a model whose path to its head has an op without a gradient: actmax refuses in
// one line before its first step, feature maps of every layer still come out, a layer before the op still runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/runCli';
import { sampleModelDir } from '../../helpers/paths';
import { NO_GRADIENT_LAYER, writeNoGradientModel } from './gradientCheckModels';

const model = writeNoGradientModel();
const outDir = (): string => mkdtempSync(join(tmpdir(), 'gradient-check-cli-'));

// 100,000 steps would far outlast the 90 s bound: an answer at all means it refused before stepping.
test('actmax behind an op without a gradient: exit 1 with one sentence, before any step (100,000 steps asked)', () => {
  for (const backend of ['wasm', 'cpu']) {
    const out = outDir();
    const r = runCli(['actmax', '--model', model, '--layer', 'head/Relu', '--unit', '0', '--steps', '100000', '--backend', backend, '--out', out], 90_000);
    assert.equal(r.status, 1, `${backend}: ${r.stderr}`);
    assert.equal(
      r.stderr,
      `layer-lens actmax: Activation maximization cannot pass through layer "${NO_GRADIENT_LAYER}" of ${model} (op TopK, which has no gradient in TensorFlow.js); feature maps and top-k work.\n`,
    );
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(out), [], 'no image was written');
  }
});

test('feature maps of the same model work for every layer, and actmax on a layer before the op runs', () => {
  const maps = outDir();
  const a = runCli(['activations', '--model', model, '--input', join(sampleModelDir, 'samples', readdirSync(join(sampleModelDir, 'samples')).find((f) => f.endsWith('.png')) as string), '--out', maps]);
  assert.equal(a.status, 0, a.stderr);
  const written = readdirSync(maps).join(' ');
  for (const layer of ['stem_Relu', 'detect_TopKV2', 'head_Relu']) assert.match(written, new RegExp(layer), written);

  const out = outDir();
  const r = runCli(['actmax', '--model', model, '--layer', 'stem/Relu', '--unit', '2', '--steps', '4', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(out, readdirSync(out).find((f) => f.endsWith('.png')) ?? 'none')), readdirSync(out).join(' '));
});
