// `layer-lens report` never aborts halfway: a part that fails says why inside the report and the rest is drawn;
// a bad sample image is skipped and named; --layers, --steps and --images shape the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';
import { seededMnistCnn, tempFolder } from '../topk/topkFixtures';
import { graphModelWithoutGradient, readReport, writeGrayImages, type ReportFolder } from './reportFixtures';

/** Every image the page shows is on disk, and every PNG on disk is on the page (no orphans). */
function assertComplete(dir: string, report: ReportFolder): void {
  for (const src of report.images) assert.ok(existsSync(join(dir, src)), `index.html shows ${src}, which is missing`);
  assert.deepEqual(report.pngs, [...new Set(report.images)].sort(), 'the PNGs in the folder are exactly those index.html shows');
}

const TFJS_TEXT = /Cannot compute gradient|gradient function not found|Cannot read propert|undefined|not registered for backend/;

test('a model whose actmax fails at one layer: the report says why there, draws everything else, and exits 0 with a warning', () => {
  const model = graphModelWithoutGradient();
  const samples = tempFolder('layer-lens-report-samples-');
  writeGrayImages(samples, 3);
  writeFileSync(join(samples, 'broken.png'), 'this is not a png');
  const out = join(tempFolder(), 'report');
  const run = runCli(['report', '--model', model, '--out', out, '--samples', samples, '--layers', 'c1/Conv2D,c2/Conv2D', '--steps', '8']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), join(out, 'index.html'));

  const report = readReport(out);
  assertComplete(out, report);
  // The failing part: one notice naming it, in our words.
  const actmax = report.notices.filter((n) => n.startsWith('Activation maximization of c2/Conv2D'));
  assert.equal(actmax.length, 1, report.notices.join('\n'));
  assert.doesNotMatch(actmax[0], TFJS_TEXT, actmax[0]);
  assert.match(actmax[0], /DepthToSpace|shuffle/, `names the op or layer it cannot pass: ${actmax[0]}`);
  assert.ok(!report.images.includes('atlas-c2_Conv2D.png'));
  // Everything else is there: the actmax of the layer before it, both kernels, feature maps and top-k of both.
  for (const file of ['atlas-c1_Conv2D.png', 'kernels-c1_Conv2D.png', 'kernels-c2_Conv2D.png', 'maps-img-0-c2_Conv2D.png', 'maps-img-2-input.png', 'topk-c1_Conv2D-3.png', 'topk-c2_Conv2D-0.png']) {
    assert.ok(report.images.includes(file), `${file} in the report (it shows ${report.images.join(', ')})`);
  }
  // The broken sample is skipped and named, and the others still give feature maps.
  assert.ok(report.notices.some((n) => n.includes('broken.png')), report.notices.join('\n'));
  assert.ok(!report.pngs.some((f) => f.startsWith('maps-broken')));

  // stderr: one warning line naming the failed part, one naming the skipped image; no TF.js text anywhere.
  const warnings = run.stderr.split('\n').filter((l) => l.startsWith('layer-lens report: warning:'));
  assert.equal(warnings.length, 2, run.stderr);
  assert.ok(warnings.some((w) => w.includes('broken.png')), run.stderr);
  assert.ok(warnings.some((w) => w.includes('Activation maximization of c2/Conv2D') && w.includes(join(out, 'index.html'))), run.stderr);
  assert.doesNotMatch(run.stderr, TFJS_TEXT);
});

test('when every part fails, index.html is still written and says why for each', () => {
  const model = graphModelWithoutGradient();
  const samples = tempFolder('layer-lens-report-samples-');
  writeFileSync(join(samples, 'a.png'), 'not an image');
  writeFileSync(join(samples, 'b.jpg'), 'not an image either');
  const out = join(tempFolder(), 'report');
  const run = runCli(['report', '--model', model, '--out', out, '--samples', samples, '--layers', 'c2/Conv2D', '--steps', '4']);
  assert.equal(run.status, 0, run.stderr);
  const report = readReport(out);
  assertComplete(out, report);
  // Kernels still draw; actmax and top-k fail, feature maps skip both images.
  assert.deepEqual(report.pngs, ['kernels-c2_Conv2D.png']);
  assert.ok(report.notices.some((n) => n.startsWith('Activation maximization of c2/Conv2D')), report.notices.join('\n'));
  assert.ok(report.notices.some((n) => n.startsWith('Dataset examples of c2/Conv2D')), report.notices.join('\n'));
  assert.ok(report.notices.some((n) => n.includes('a.png') && n.includes('b.jpg')), report.notices.join('\n'));
});

test('--layers, --steps and --images change what the report draws; defaults stay as they were', async () => {
  await useBackend('cpu');
  const model = await seededMnistCnn();
  const flat = tempFolder('layer-lens-report-flat-');
  writeGrayImages(flat, 6, 28);

  const defaults = join(tempFolder(), 'report');
  const a = runCli(['report', '--model', model, '--out', defaults, '--samples', flat, '--steps', '4']);
  assert.equal(a.status, 0, a.stderr);
  const full = readReport(defaults);
  assertComplete(defaults, full);
  // Every conv's kernels; maps of every spatial layer for 4 of the 6 images; the last conv's 32 channels
  // (atlas and top-k); the 10 classes.
  const count = (r: ReportFolder, prefix: string) => r.pngs.filter((f) => f.startsWith(prefix)).length;
  // A channel that never fires on these flat images is named in a line instead of drawn: drawn + named = channels.
  const topkRows = (r: ReportFolder, layer: string) => {
    const section = r.html.slice(r.html.indexOf('<h2>Dataset examples</h2>')).split('</section>')[0];
    const part = section.includes('<h3>') ? section.split('<h3>').find((p) => p.startsWith(`${layer}</h3>`)) ?? '' : section;
    return count(r, `topk-${layer}-`) + part.split('never active on these').length - 1;
  };
  assert.equal(count(full, 'kernels-'), 2);
  assert.equal(count(full, 'maps-'), 4 * 5, full.pngs.join(', '));
  assert.deepEqual(full.pngs.filter((f) => f.startsWith('atlas-') || f === 'classes.png'), ['atlas-conv2.png', 'classes.png']);
  assert.equal(topkRows(full, 'conv2'), 32);
  assert.match(full.html, /4 steps/);
  assert.match(full.html, /of 6 images/);

  const picked = join(tempFolder(), 'report');
  const b = runCli(['report', '--model', model, '--out', picked, '--samples', flat, '--layers', 'conv1,pool1', '--steps', '6', '--images', '2']);
  assert.equal(b.status, 0, b.stderr);
  const some = readReport(picked);
  assertComplete(picked, some);
  assert.deepEqual(some.pngs.filter((f) => f.startsWith('kernels-')), ['kernels-conv1.png']);
  assert.equal(count(some, 'maps-'), 2 * 3, some.pngs.join(', '));
  assert.deepEqual(some.pngs.filter((f) => f.startsWith('atlas-') || f === 'classes.png'), ['atlas-conv1.png', 'atlas-pool1.png', 'classes.png']);
  assert.equal(topkRows(some, 'conv1'), 16);
  assert.equal(topkRows(some, 'pool1'), 16);
  assert.match(some.html, /6 steps/);
  assert.doesNotMatch(some.html, /4 steps/);
  assert.match(some.html, /The 2 images that activate/);

  // A count picks that many conv layers, the deepest always among them.
  const counted = join(tempFolder(), 'report');
  const c = runCli(['report', '--model', model, '--out', counted, '--samples', flat, '--layers', '1', '--steps', '2', '--images', '1']);
  assert.equal(c.status, 0, c.stderr);
  const one = readReport(counted);
  assert.deepEqual(one.pngs.filter((f) => !f.startsWith('topk-') && !f.startsWith('attribution-')), ['atlas-conv2.png', 'classes.png', 'kernels-conv2.png', 'maps-img-0-conv2.png', 'maps-img-0-input.png']);
  // Which attribution methods a report draws is the attribution section's own test; here: the one image explained.
  assert.ok(['attribution-img-0-gradcam.png', 'attribution-img-0-saliency.png'].every((f) => one.pngs.includes(f)), one.pngs.join(', '));
  assert.ok(one.pngs.filter((f) => f.startsWith('attribution-')).every((f) => f.startsWith('attribution-img-0-')), one.pngs.join(', '));
});

test('bad --layers, --steps, --images and an unopenable model are one sentence before any work, and write nothing', () => {
  const model = graphModelWithoutGradient();
  const parent = tempFolder();
  const out = join(parent, 'report');
  const cases: [string[], RegExp][] = [
    [['--steps', '0'], /--steps must be an integer from 1 to 100000/],
    [['--images', '0'], /--images must be an integer >= 1/],
    [['--layers', ','], /--layers must be a comma-separated list/],
    [['--layers', 'c1/Conv2D,nope'], /--layers names "nope"/],
  ];
  for (const [args, message] of cases) {
    const run = runCli(['report', '--model', model, '--out', out, ...args]);
    assert.notEqual(run.status, 0, args.join(' '));
    const line = run.stderr.trim();
    assert.equal(line.split('\n').length, 1, run.stderr);
    assert.match(line, message);
    assert.ok(!existsSync(out), `${args.join(' ')} wrote ${out}`);
  }
  const notAModel = join(parent, 'model.json');
  writeFileSync(notAModel, '{"format": "graph-model"}');
  const bad = runCli(['report', '--model', notAModel, '--out', out]);
  assert.equal(bad.status, 1, bad.stderr);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.ok(bad.stderr.includes(notAModel), bad.stderr);
  assert.ok(!existsSync(out));
});
