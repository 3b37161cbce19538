// `layer-lens actmax --penalty KIND=WEIGHT`: any penalty kind of the shared table, weighted over the preset's. The
// naive trial plus the L2 trial's weight (per pixel × 28·28 values) is the L2 trial, pixel for pixel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/runCli';
import { sampleModelDir } from '../../helpers/paths';

const model = join(sampleModelDir, 'model.json');

function actmax(extra: string[]): { png: Buffer; summary: { settings: { regularizers: Record<string, number>; param: string } } } {
  const out = mkdtempSync(join(tmpdir(), 'actmax-cli-'));
  const r = runCli(['actmax', '--model', model, '--layer', 'conv2', '--unit', '3', '--steps', '6', '--seed', '1', '--backend', 'cpu', '--out', out, '--json', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return { png: readFileSync(join(out, 'conv2-3.png')), summary: JSON.parse(r.stdout) };
}

test('--penalty adds a weighted penalty term: trial1-naive with trial4-l2’s weight is trial4-l2', () => {
  const trial4 = actmax(['--preset', 'trial4-l2']);
  const weight = trial4.summary.settings.regularizers.l2;
  // 0.005 per pixel (presets.ts) on a 28×28 grey digit; a number prints and parses back exactly.
  assert.ok(Math.abs(weight - 3.92) < 1e-9, `trial4-l2 weight ${weight}`);
  const own = actmax(['--preset', 'trial1-naive', '--penalty', `l2=${weight}`, '--penalty', 'dark=0']);
  assert.equal(own.summary.settings.regularizers.l2, weight);
  assert.equal(own.summary.settings.regularizers.scharr, 0);
  assert.deepEqual(own.png, trial4.png);
  const fourier = actmax(['--preset', 'trial1-naive', '--param', 'fourier', '--penalty', 'totalVariation=0.5']);
  assert.equal(fourier.summary.settings.param, 'fourier');
  assert.equal(fourier.summary.settings.regularizers.totalVariation, 0.5);
});

test('a malformed --penalty or --param is one sentence naming the kinds', () => {
  const out = mkdtempSync(join(tmpdir(), 'actmax-cli-'));
  for (const bad of [['--penalty', 'sharpness=1'], ['--penalty', 'l2'], ['--penalty', 'l2=-1'], ['--param', 'wavelet']]) {
    const r = runCli(['actmax', '--model', model, '--layer', 'conv2', '--unit', '3', '--out', out, ...bad]);
    assert.notEqual(r.status, 0, bad.join(' '));
    const line = r.stderr.trim();
    assert.equal(line.split('\n').length, 1, line);
    assert.match(line, bad[0] === '--param' ? /--param must be one of pixel, fourier, maco/ : /--penalty must be KIND=WEIGHT with KIND one of l1, l2, totalVariation, scharr, blur, dark/);
  }
});

test('a unit given twice is rendered once, in the order first given', () => {
  const out = mkdtempSync(join(tmpdir(), 'actmax-cli-'));
  const r = runCli(['actmax', '--model', model, '--layer', 'conv2', '--unit', '5', '--unit', '3', '--unit', '5', '--steps', '2', '--backend', 'cpu', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { files: string[]; settings: { units: number[] } };
  assert.deepEqual(summary.settings.units, [5, 3]);
  assert.deepEqual(summary.files, [join(out, 'conv2-5.png'), join(out, 'conv2-3.png')]);
});
