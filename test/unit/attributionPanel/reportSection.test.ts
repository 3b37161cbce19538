// The report's attribution section on the sample digit model: every method for the first sample's top class,
// Grad-CAM and saliency for the second, written as PNGs that decode to the map over the input (not one colour)
// with the colour bar under it, captions with each map's range, and the whole section cheap enough for the demo;
// and over the costly methods' time budget (a slow model), IG, SmoothGrad and occlusion replaced by a note.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { attributionSectionWith, REPORT_FIRST_IMAGE_METHODS } from '../../../src/cli/report/attributionSection';
import type { ReportContext } from '../../../src/cli/report/reportTypes';
import { collectingReportContext } from '../../helpers/reportContext';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { ATTRIBUTION_METHODS } from '../../../src/shared/attribution';
import { colormapLut } from '../../../src/shared/colormap';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';

let model: LoadedModel;

before(async () => {
  await useBackend('cpu');
  model = await loadModel(join(sampleModelDir, 'model.json'));
});

after(() => model.dispose());

function reportContext(outDir: string, images: string[], failures: string[]): ReportContext {
  return collectingReportContext({ model, modelPath: join(sampleModelDir, 'model.json'), outDir, images, backend: 'cpu' }, failures);
}

test('every method for the first sample, Grad-CAM and saliency for the second: PNGs of the map over the digit with a colour bar, captions with the range', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'll-report-attribution-'));
  const images = ['digit-3-a.png', 'digit-7-a.png', 'digit-0-a.png'].map((f) => join(sampleModelDir, 'samples', f));
  const failures: string[] = [];
  const ctx = reportContext(outDir, images, failures);
  const started = Date.now();
  // No limit on the costly methods here (the report's own 5 s budget fits this model ~10× over; the next test
  // checks the budget), so a loaded machine cannot leave them out.
  const html = await attributionSectionWith(Infinity)(ctx);
  assert.doesNotMatch(html, /left out/);
  const ms = Date.now() - started;
  assert.deepEqual(failures, []);
  assert.match(html, /<h2>Attribution<\/h2>/);
  assert.match(html, /<h3>digit-3-a\.png: 3 \d+\.\d%<\/h3>/);
  assert.match(html, /<h3>digit-7-a\.png: 7 \d+\.\d%<\/h3>/);
  assert.doesNotMatch(html, /digit-0-a/, 'only the first two samples are explained');
  const files = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
  assert.deepEqual([...REPORT_FIRST_IMAGE_METHODS].sort(), [...ATTRIBUTION_METHODS].sort(), 'the first image shows every method');
  assert.deepEqual(files, [
    ...ATTRIBUTION_METHODS.map((m) => `attribution-digit-3-a-${m}.png`),
    'attribution-digit-7-a-gradcam.png',
    'attribution-digit-7-a-saliency.png',
  ]);
  const range = String.raw`-?[\d.e+-]+ to -?[\d.e+-]+`;
  for (const [name, passes] of [['Grad-CAM at \\w+', '1 pass'], ['Grad-CAM\\+\\+ at \\w+', '1 pass'], ['Saliency', '1 pass'], ['Gradient × input', '1 pass'],
    ['SmoothGrad', '16 passes'], ['Integrated Gradients', '18 passes'], ['Guided Grad-CAM at \\w+', '\\d+ passes?'], ['Occlusion', '\\d+ passes']] as const) {
    const caption = new RegExp(`${name}: (${range}) \\(${passes}, \\d+ ms[,)]`).exec(html);
    assert.ok(caption, `${name} caption`);
    // Not constant: the overlay blends with the digit, so its colours alone would not show a flat map; the range does.
    const [low, high] = caption[1]!.split(' to ').map(Number);
    assert.ok(low! < high!, `${name}: the map is one value (${caption[1]})`);
  }
  assert.match(html, /Integrated Gradients: [^<]*completeness gap \d+\.\d %/);
  const lut = colormapLut('inferno');
  for (const file of files) {
    const png = decode(readFileSync(join(outDir, file)));
    // 28 rows of overlay, a 1-row gap, 3 rows of colour bar.
    assert.equal(png.width, 28, file);
    assert.equal(png.height, 28 + 1 + 3, file);
    const channels = png.channels;
    const at = (x: number, y: number) => Array.from(png.data.slice((y * png.width + x) * channels, (y * png.width + x) * channels + 3));
    assert.deepEqual(at(0, 31), Array.from(lut.slice(0, 3)), `${file}: the bar starts at the colormap's low end`);
    assert.deepEqual(at(27, 31), Array.from(lut.slice(255 * 3, 256 * 3)), `${file}: the bar ends at the colormap's high end`);
    const colours = new Set<string>();
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) colours.add(at(x, y).join(','));
    // Not constant: the map varies over the digit, so the overlay has many colours.
    assert.ok(colours.size > 8, `${file}: only ${colours.size} colours in the overlay`);
  }
  console.log(`attribution section, 8 methods + 2 methods: ${ms} ms`);
});

test('over the time budget, IG, SmoothGrad and occlusion are left out with a note naming the command; the rest are drawn', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'll-report-attribution-budget-'));
  const failures: string[] = [];
  const html = await attributionSectionWith(0)(reportContext(outDir, [join(sampleModelDir, 'samples', 'digit-3-a.png')], failures));
  assert.deepEqual(failures, []);
  const files = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
  assert.deepEqual(files, ['gradcam', 'gradcampp', 'saliency', 'gradxinput', 'guided-gradcam'].map((m) => `attribution-digit-3-a-${m}.png`));
  assert.match(html, /<p class="note">SmoothGrad, Integrated Gradients, Occlusion left out: one forward \+ backward takes \d+ ms here, so they would add ~\d+ s; <code>layer-lens attribute --method smoothgrad<\/code> runs them on this image\.<\/p>/);
});
