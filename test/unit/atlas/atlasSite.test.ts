// `layer-lens atlas` on the sample model with a few MNIST digits, through the real CLI: the site's files, atlas.json,
// pictures, links and badges; then a second run stopped with Ctrl-C after its first layer and resumed, which must
// skip the finished units and end byte for byte equal to the uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { decode } from 'fast-png';
import { repoRoot, sampleModelDir } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { tempFolder, writeDigits } from '../topk/topkFixtures';

const MODEL = join(sampleModelDir, 'model.json');
const images = tempFolder('layer-lens-atlas-digits-');
writeDigits(images, 12);
const root = tempFolder('layer-lens-atlas-');
/** Small enough for a few seconds a run: 3 units of each conv layer, 16 steps, two seeds, a diversity pair. */
const ARGS = ['--model', MODEL, '--images', images, '--units', '3', '--steps', '16', '--seeds', '2', '--diversity', '2', '--k', '3', '--backend', 'wasm'];

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Standard deviation of a PNG's first channel: 0 for a flat picture. */
function spread(file: string): number {
  const png = decode(readFileSync(join(siteA, file)));
  assert.ok(png.width >= 3 && png.height >= 3, file);
  const grey = Array.from({ length: png.width * png.height }, (_, p) => png.data[p * png.channels] as number);
  const mean = grey.reduce((a, b) => a + b, 0) / grey.length;
  return Math.sqrt(grey.reduce((a, b) => a + (b - mean) ** 2, 0) / grey.length);
}

interface AtlasJson {
  model: { name: string };
  settings: { steps: number; seeds: number; k: number; images: number };
  layers: {
    id: string;
    page: string;
    units: { unit: number; page: string; actmax: { file: string; activation: number }[]; diversity: string[]; topPicture: string | null; kernel: string | null; top: { file: string; value: number }[]; quality: { activation: number; transformed: number; top1: number | null; ratio: number | null; robustRatio: number | null } }[];
    missing: number[];
  }[];
}

const siteA = join(root, 'a');
let first: { status: number; stderr: string; ms: number } | undefined;
function fullRun(): { status: number; stderr: string } {
  if (!first) {
    const t = Date.now();
    const r = runCli(['atlas', ...ARGS, '--out', siteA]);
    first = { status: r.status, stderr: r.stderr, ms: Date.now() - t };
  }
  return first;
}

test('atlas writes index, layer and unit pages, atlas.json and non-trivial pictures for every unit, with links that resolve', () => {
  const r = fullRun();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /atlas: 6 of 6 units/, 'plain progress lines when stderr is not a terminal');
  // The plan first: wasm is a CPU backend: the sample model's units are small, 32 at a time (3 units of each layer: one batch each).
  assert.match(r.stderr, /^atlas: 6 units of 2 layers, 2 batches of up to 32 units \(wasm\)$/m);
  const atlas = JSON.parse(readFileSync(join(siteA, 'atlas.json'), 'utf8')) as AtlasJson;
  assert.deepEqual(atlas.layers.map((l) => l.id), ['conv1', 'conv2']);
  assert.equal(atlas.settings.images, 12);
  for (const layer of atlas.layers) {
    assert.deepEqual(layer.units.map((u) => u.unit), [0, 1, 2]);
    assert.deepEqual(layer.missing, []);
    assert.ok(existsSync(join(siteA, layer.page)));
    for (const u of layer.units) {
      assert.ok(existsSync(join(siteA, u.page)));
      assert.equal(u.actmax.length, 2);
      assert.equal(u.diversity.length, 2);
      assert.equal(u.top.length, 3);
      for (let i = 1; i < u.top.length; i++) assert.ok(u.top[i]!.value <= u.top[i - 1]!.value);
      assert.ok(u.top.every((t) => /^\d\/\d{4}\.png$/.test(t.file)), 'top files are relative to the images folder');
      assert.equal(u.kernel !== null, layer.id === 'conv1', 'the kernel is drawn for the first layer only');
      for (const file of [...u.actmax.map((a) => a.file), u.topPicture as string, ...(u.kernel ? [u.kernel] : [])]) {
        assert.ok(spread(file) > 3, `${file} is flat (sd ${spread(file).toFixed(2)})`);
      }
      // The diversity term may push one image of a 16-step pair toward flat; the pair must still differ and one show structure.
      const [d0, d1] = u.diversity.map((f) => readFileSync(join(siteA, f)));
      assert.ok(!d0!.equals(d1!), `${layer.id} ${u.unit}: the diversity pair is two copies`);
      assert.ok(Math.max(...u.diversity.map(spread)) > 3, `${layer.id} ${u.unit}: both diversity images are flat`);
    }
  }
  // Every href and src of every page points at a file of the site.
  const pages = filesBelow(siteA).filter((f) => f.endsWith('.html'));
  assert.equal(pages.length, 1 + 2 + 6);
  let links = 0;
  for (const page of pages) {
    const html = readFileSync(join(siteA, page), 'utf8');
    for (const m of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      // A link within the page (the skip link) names an element of it.
      if (m[1]!.startsWith('#')) {
        assert.ok(html.includes(` id="${m[1]!.slice(1)}"`), `${page} links to ${m[1]}, which it lacks`);
        continue;
      }
      const target = resolve(dirname(join(siteA, page)), m[1]!);
      assert.ok(existsSync(target), `${page} links to ${m[1]}, which is missing`);
      assert.ok(!/^(https?:|\/)/.test(m[1]!), `${page} links outside the site: ${m[1]}`);
      links++;
    }
  }
  assert.ok(links > 50, `only ${links} links`);
  const conv2Unit = readFileSync(join(siteA, 'unit/conv2/0.html'), 'utf8');
  assert.match(conv2Unit, /href="\.\.\/conv1\/\d\.html"/, 'a conv2 unit links the conv1 units feeding it that the atlas drew');
});

test('the quality badge compares each image with the dataset top-1, plain and under random views', () => {
  assert.equal(fullRun().status, 0);
  const atlas = JSON.parse(readFileSync(join(siteA, 'atlas.json'), 'utf8')) as AtlasJson;
  for (const layer of atlas.layers) {
    for (const u of layer.units) {
      const q = u.quality;
      assert.ok(q.top1 !== null && q.top1 > 0, `${layer.id} ${u.unit}: top-1 ${q.top1}`);
      assert.equal(q.activation, u.actmax[0]!.activation);
      assert.ok(q.activation > 0, `${layer.id} ${u.unit}: the optimized image excites its unit (${q.activation})`);
      assert.ok(Math.abs((q.ratio as number) - q.activation / q.top1) < 1e-9);
      assert.ok(Math.abs((q.robustRatio as number) - q.transformed / q.top1) < 1e-9);
      assert.ok(q.transformed >= 0 && q.transformed < 3 * q.activation, `${layer.id} ${u.unit}: transformed ${q.transformed} vs ${q.activation}`);
    }
  }
  const layerPage = readFileSync(join(siteA, 'layer/conv1.html'), 'utf8');
  assert.equal((layerPage.match(/class="badge[^"]*" title="q: [^"]+random jitter, scale and rotation[^"]+"/g) ?? []).length, 3);
});

test('Ctrl-C keeps the finished units; the re-run skips them and ends byte for byte equal to one uninterrupted run', async () => {
  assert.equal(fullRun().status, 0);
  const siteB = join(root, 'b');
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'atlas', ...ARGS, '--out', siteB], { cwd: repoRoot });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const conv1Done = join(siteB, 'units/conv1/2/unit.json');
  let finished = false;
  void exited.then(() => (finished = true));
  while (!existsSync(conv1Done) && !finished) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGINT');
  const code = await exited;
  assert.notEqual(code, 0, `the run ended before Ctrl-C could stop it: ${stderr}`);
  assert.match(stderr, /Stopped: 3 of 6 units are written in .*; run the same command again/);
  assert.equal(existsSync(join(siteB, 'units/conv2/0/unit.json')), false);
  assert.ok(existsSync(join(siteB, 'index.html')), 'the stopped run still renders what it has');
  assert.deepEqual(filesBelow(join(siteB, 'units')).filter((f) => f.includes('.tmp')), [], 'no temp files left');
  const kept = statSync(join(siteB, 'units/conv1/0/actmax-0.png')).mtimeMs;

  const resumed = runCli(['atlas', ...ARGS, '--out', siteB]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /atlas: 3 of 6 units \(starting\)/, 'the re-run starts from the 3 finished units');
  assert.equal(statSync(join(siteB, 'units/conv1/0/actmax-0.png')).mtimeMs, kept, 'finished units are not rewritten');
  const a = filesBelow(siteA);
  assert.deepEqual(filesBelow(siteB), a);
  for (const f of a) assert.ok(readFileSync(join(siteA, f)).equals(readFileSync(join(siteB, f))), `${f} differs between the two runs`);
});

test('atlas refuses an --out folder holding an atlas of other settings in one sentence', () => {
  assert.equal(fullRun().status, 0);
  const other = runCli(['atlas', ...ARGS.map((a) => (a === '16' ? '17' : a)), '--out', siteA]);
  assert.equal(other.status, 2);
  assert.match(other.stderr.trim(), /^layer-lens atlas: .* holds an atlas made with another model or other settings \(steps 16 there\): choose another output folder \(--out\) or delete that one\.$/);
  // Another batch would give other pixels: refused the same way, naming the atlas's.
  const batch = runCli(['atlas', ...ARGS, '--batch', '2', '--out', siteA]);
  assert.equal(batch.status, 2);
  assert.match(batch.stderr.trim(), /holds an atlas made with another model or other settings \(batch 32 there\)/);
  const bad = runCli(['atlas', ...ARGS, '--batch', '0', '--out', join(root, 'never')]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim(), 'layer-lens atlas: --batch must be an integer from 1 to 256, not 0.');
});

/** Share of pixels of a screenshot that are not page white, and how many distinct grey levels it holds. */
function inkOf(png: Buffer): { ink: number; levels: number } {
  const img = decode(png);
  const levels = new Set<number>();
  let ink = 0;
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    const [r, g, b] = [img.data[p * img.channels]!, img.data[p * img.channels + 1]!, img.data[p * img.channels + 2]!];
    if (r < 235 || g < 235 || b < 235) ink++;
    levels.add((r >> 3) * 1024 + (g >> 3) * 32 + (b >> 3));
  }
  return { ink: ink / n, levels: levels.size };
}

test('Chromium renders the index and a layer page from file:// with every picture loaded, and sorts the grid', async () => {
  assert.equal(fullRun().status, 0);
  const CHROMIUM = '/usr/bin/chromium';
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`${r.url()} failed`));
    await page.goto(`file://${join(siteA, 'index.html')}`);
    assert.match(await page.title(), /^Atlas of /);
    const index = inkOf(await page.screenshot());
    assert.ok(index.ink > 0.01 && index.ink < 0.5, `index ink ${index.ink}`);
    // Follow the layer link as a user would.
    await page.click('a[href="layer/conv2.html"]');
    await page.waitForURL(/layer\/conv2\.html$/);
    // Strings, not functions: tsx adds a __name helper to functions, which the page lacks.
    await page.waitForFunction('Array.from(document.images).every((i) => i.complete)');
    assert.deepEqual(await page.evaluate('Array.from(document.images).filter((i) => i.naturalWidth === 0).map((i) => i.src)'), [], 'every picture loads from file://');
    assert.equal(await page.evaluate('document.images.length'), 3);
    // Each tile has one name (its link's), the picture in it none (atlasSiteA11y.test.ts checks the rest on a synthetic site).
    const names = (await page.evaluate("Array.from(document.querySelectorAll('#grid a')).map((a) => [a.getAttribute('aria-label'), a.querySelector('img').getAttribute('alt')])")) as [string, string][];
    assert.deepEqual(names.map(([, alt]) => alt), ['', '', '']);
    names.forEach(([label], u) => assert.match(label, new RegExp(`^unit ${u} of conv2: activation -?[\\d.e+-]+, q \\d+\\.\\d\\d, r \\d+\\.\\d\\d( \\(low\\))?$`)));
    const grid = inkOf(await page.locator('#grid').screenshot());
    // Three 112 px feature visualizations (dark MNIST-like pictures) fill much of the grid's strip.
    assert.ok(grid.ink > 0.2, `grid ink ${grid.ink}`);
    assert.ok(grid.levels > 40, `grid has only ${grid.levels} colours: the pictures are not drawn`);
    await page.click('button[data-sort="activation"]');
    const order = (await page.evaluate("Array.from(document.querySelectorAll('#grid > *')).map((t) => [Number(t.getAttribute('data-index')), Number(t.getAttribute('data-activation'))])")) as [number, number][];
    const sorted = [...order].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    assert.deepEqual(order, sorted);
    await page.click('button[data-sort="index"]');
    assert.deepEqual(await page.evaluate("Array.from(document.querySelectorAll('#grid > *')).map((t) => Number(t.getAttribute('data-index')))"), [0, 1, 2]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
