// Counts above what a model or folder holds, options that would change nothing, and empty values: a count is
// honoured as "all of them" with one note on stderr before the work; the rest are refused in one sentence naming
// the option, before the model loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decode } from 'fast-png';
import { repoRoot } from '../../helpers/paths';
import { channelRow, rowLayout } from '../../../src/core/topk/topkPictures';
import { cliRefusal as refusal, runCli } from '../../helpers/runCli';
import { tempFolder } from '../topk/topkFixtures';
import { graphModelWithoutGradient, readReport, writeGrayImages } from './reportFixtures';

const SAMPLE = join(repoRoot, 'models/mnist-cnn/model.json');
const SAMPLES = join(repoRoot, 'models/mnist-cnn/samples');
const MISSING_MODEL = join(repoRoot, 'models/none-such/model.json');


test('atlas --units and --k above what the layer and folder hold: every unit and image is drawn, and stderr says so first', () => {
  const site = join(tempFolder('layer-lens-atlas-limits-'), 'site');
  const r = runCli(['atlas', '--model', SAMPLE, '--layers', 'conv1', '--units', '100000', '--images', SAMPLES, '--k', '50', '--steps', '1', '--seeds', '1', '--diversity', '0', '--out', site]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines[0], `atlas: --k 50 is more than the 20 images in ${SAMPLES}: each unit shows all 20.`);
  assert.equal(lines[1], 'atlas: --units 100000 is more than conv1 has (16 units): drawing all 16.');
  // Both before the plan line, i.e. before any unit runs.
  assert.match(lines[2], /^atlas: 16 units of 1 layer/);
  assert.match(readFileSync(join(site, 'index.html'), 'utf8'), /<td>16 of 16/);
  // Each unit's dataset row has slots for the 20 images, not for 50 (k = 100000 would have asked for gigabytes).
  const tops = readdirSync(site, { recursive: true, encoding: 'utf8' }).filter((f) => basename(f) === 'top.png');
  assert.equal(tops.length, 16);
  const twenty = channelRow([], 20, new Map(), rowLayout({ input: [28, 28] }, 56)).width;
  for (const f of tops) assert.equal(decode(readFileSync(join(site, f))).width, twenty, f);
});

test('atlas refuses --k without --images, a --layers that names no layer and an empty value, before the model loads', () => {
  const base = ['atlas', '--model', MISSING_MODEL, '--out', join(tempFolder(), 'site')];
  assert.equal(refusal([...base, '--k', '3']), "--k counts each unit's dataset examples, which come from --images DIR: give --images too, or leave --k out.");
  assert.equal(refusal([...base, '--units', 'ALL']), '--units must be all or an integer from 1 to 1048576, not ALL.');
  assert.equal(refusal([...base, '--layers', ',']), '--layers needs layer ids separated by commas (leave it out for every convolution).');
  // "" ran as 0 images of diversity, and "--images ''" as no images at all.
  assert.equal(refusal([...base, '--diversity', '']), '--diversity needs a value, not an empty string.');
  assert.equal(refusal([...base, '--images', ' ']), '--images needs a value, not an empty string.');
});

test('report --layers and --images above the model and folder: all are drawn, with a note each even under --quiet', () => {
  const model = graphModelWithoutGradient();
  const samples = tempFolder('layer-lens-report-limits-');
  writeGrayImages(samples, 3);
  const out = join(tempFolder(), 'report');
  const r = runCli(['report', '--model', model, '--out', out, '--samples', samples, '--layers', '99', '--images', '99', '--steps', '1', '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const notes = r.stderr.split('\n').filter((l) => l.includes(': note: '));
  assert.deepEqual(notes, [
    `layer-lens report: note: --images 99 is more than the 3 images in ${samples}: using all 3.`,
    `layer-lens report: note: --layers 99 is more than the 2 conv layers of ${basename(dirname(model))}: drawing both.`,
  ]);
  const report = readReport(out);
  assert.deepEqual(report.pngs.filter((f) => f.startsWith('kernels-')), ['kernels-c1_Conv2D.png', 'kernels-c2_Conv2D.png']);
  assert.match(report.html, /The 3 images that activate/);
  // Feature maps are stored at one pixel a value and drawn 4× by the page: c1's 4 maps of 8 × 8, 2 columns, 1 px gap.
  assert.equal(decode(readFileSync(join(out, 'maps-img-0-c1_Conv2D.png'))).width, 17);
  assert.match(report.html, /<img class="px" src="maps-img-0-c1_Conv2D\.png" width="68" height="68"/);
});

test('report refuses a --samples folder without images and an empty --images by their names, before the model loads', () => {
  const out = join(tempFolder(), 'report');
  const empty = tempFolder('layer-lens-report-empty-');
  const r = runCli(['report', '--model', MISSING_MODEL, '--out', out, '--samples', empty]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr.trim(), `layer-lens report: ${empty} holds no PNG, JPEG, WebP, GIF or BMP image.`);
  // It was "--samples needs a folder.", naming an option the user had not typed.
  assert.equal(refusal(['report', '--model', MISSING_MODEL, '--out', out, '--images', '']), '--images needs a value, not an empty string.');
  assert.ok(!existsSync(out));
});
