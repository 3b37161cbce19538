// The built actmax webview script in headless Chromium with a stand-in for VS Code's webview API: messages in,
// pixels and messages out. Without Chromium every test fails, naming the package to install.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureBuilt } from '../../helpers/build';
import { repoRoot } from '../../helpers/paths';

const CHROMIUM = '/usr/bin/chromium';
const missingBrowser = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), as scripts/runUnitTests.mjs does when run as root`;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];

interface Posted {
  type: string;
  [k: string]: unknown;
}

/** What the page's globals look like to these callbacks (the project's Node tsconfig has no DOM types). */
interface PageGlobals {
  posted: Posted[];
  postMessage(msg: unknown, target: string): void;
}

before(async () => {
  if (missingBrowser) throw new Error(missingBrowser);
  ensureBuilt();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
  page.setDefaultTimeout(8000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A string, not a function: tsx adds its __name helper to functions, which the page lacks; evaluate() needs it too.
  const stub = `
    globalThis.__name = (f) => f;
    window.posted = [];
    // The real host unpacks what the webview posts (src/shared/protocol/binaryCodec.ts); so does this fake.
    const unpack = (v) => {
      if (v && typeof v === 'object' && typeof v.$binary === 'string' && typeof v.base64 === 'string') {
        const bin = atob(v.base64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        return bytes;
      }
      if (Array.isArray(v)) return v.map(unpack);
      if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unpack(x)]));
      return v;
    };
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.posted.push(unpack(m)),
      getState: () => window.saved,
      setState: (s) => (window.saved = s),
    });`;
  pageErrors = errors;
  const css = readFileSync(join(repoRoot, 'dist/webview/actmax.css'), 'utf8');
  const script = readFileSync(join(repoRoot, 'dist/webview/actmax.js'), 'utf8');
  await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body><div id="app"></div><script>${stub}</script></body></html>`);
  await page.addScriptTag({ content: script });
});

after(async () => {
  await browser?.close();
});

const posted = (): Promise<Posted[]> => page.evaluate(() => (globalThis as unknown as PageGlobals).posted);

/** Sends a host message; `images` fields given as plain number lists become Uint8ClampedArrays in the page. */
function send(msg: unknown): Promise<void> {
  return page.evaluate((m) => {
    const fix = (x: unknown): unknown => {
      if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) return x.map((a) => Uint8ClampedArray.from(a as number[]));
      return x;
    };
    const o = m as Record<string, unknown> & { frame?: Record<string, unknown>; result?: Record<string, unknown> };
    if (o.images) o.images = fix(o.images);
    if (o.frame) o.frame.images = fix(o.frame.images);
    if (o.result) {
      o.result.images = fix(o.result.images);
      o.result.objectiveHistory = (o.result.objectiveHistory as number[][]).map((h) => Float32Array.from(h));
    }
    (globalThis as unknown as PageGlobals).postMessage(o, '*');
  }, msg);
}

async function snapshot(id: number): Promise<{ width: number; height: number; rgba: number[]; meta: Record<string, unknown> }> {
  await send({ type: 'requestSnapshot', requestId: id });
  await page.waitForFunction((rid) => (globalThis as unknown as PageGlobals).posted.some((p) => p.type === 'snapshot' && p.requestId === rid), id);
  // Pixels come back as base64: a JSON list of a million numbers takes seconds to cross.
  const s = await page.evaluate((rid) => {
    const p = ((globalThis as unknown as PageGlobals).posted as (Posted & { rgba: Uint8Array })[]).find((m) => m.type === 'snapshot' && m.requestId === rid)!;
    let bin = '';
    for (let i = 0; i < p.rgba.length; i += 8192) bin += String.fromCharCode(...p.rgba.subarray(i, i + 8192));
    return { width: p.width as number, height: p.height as number, rgba: btoa(bin), meta: p.meta as Record<string, unknown> };
  }, id);
  return { ...s, rgba: Array.from(Buffer.from(s.rgba, 'base64')) };
}

/** A w × h RGBA image of one colour. */
const solid = (w: number, h: number, rgb: [number, number, number]) => Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : rgb[i % 4]));

const state = {
  modelPath: '/models/mnist_cnn.onnx',
  modelName: 'mnist_cnn',
  layerId: 'conv2',
  view: 'single',
  settings: { units: '3', objective: 'channel', preset: 'trial1-naive', seed: 0, regularizers: {}, frameEvery: 8 },
};

test('the webview says ready, takes init, and Run posts the settings it shows', async () => {
  assert.deepEqual(pageErrors, []);
  assert.equal((await posted())[0]?.type, 'ready');
  await send({ type: 'init', state, layers: [{ id: 'conv1', kind: 'conv', channels: 16 }, { id: 'conv2', kind: 'conv', channels: 32 }], logitsId: 'fc', classCount: 10, backend: 'wasm' });
  await page.waitForFunction(`document.getElementById('crumbs')?.textContent?.includes('conv2')`);
  assert.equal(await page.textContent('#crumbs'), 'mnist_cnn › conv2 › unit 3');
  await page.click('#run');
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).posted.some((p) => p.type === 'run'));
  const run = (await posted()).find((p) => p.type === 'run') as unknown as { state: typeof state };
  assert.equal(run.state.layerId, 'conv2');
  assert.equal(run.state.view, 'single');
  assert.equal(run.state.settings.units, '3');
  assert.equal(run.state.settings.preset, 'trial1-naive');
});

test('live frames draw the image at its size; the snapshot names layer, unit and step; the result ends the run', async () => {
  await send({ type: 'runStarted', runId: 1, layerId: 'conv2', units: [3], totalSteps: 16 });
  await send({ type: 'frame', runId: 1, frame: { step: 8, totalSteps: 16, images: [solid(28, 28, [200, 10, 10])], width: 28, height: 28, objective: [0.5] } });
  const mid = await snapshot(101);
  assert.equal(mid.width, 28);
  assert.equal(mid.height, 28);
  assert.deepEqual(mid.rgba.slice(0, 4), [200, 10, 10, 255]);
  assert.deepEqual({ ...mid.meta }, { ...mid.meta, view: 'single', layerId: 'conv2', unit: 3, step: 8, width: 28, height: 28, running: 1 });
  // A stale run's frames are ignored.
  await send({ type: 'frame', runId: 0, frame: { step: 9, totalSteps: 16, images: [solid(28, 28, [0, 0, 0])], width: 28, height: 28, objective: [0] } });
  const history = [Array.from({ length: 16 }, (_, i) => i / 4)];
  await send({
    type: 'result', runId: 1, cached: false,
    result: { images: [solid(28, 28, [10, 220, 30])], width: 28, height: 28, objectiveHistory: history, msPerStep: 1.5, settings: { layerId: 'conv2', units: [3], steps: 16, preset: 'trial1-naive', param: 'pixel', width: 28, height: 28 } },
  });
  await send({ type: 'runEnded', runId: 1, status: 'done' });
  const end = await snapshot(102);
  assert.deepEqual(end.rgba.slice(0, 4), [10, 220, 30, 255]);
  assert.equal(end.meta.step, 16);
  assert.equal(end.meta.running, 0);
  assert.equal(end.meta.stripFrames, 2);
  assert.match((await page.textContent('#amCaption')) ?? '', /ms\/step/);
  // The curve canvas has been drawn on.
  const inked = await page.evaluate<number>(`(() => {
    const c = document.getElementById('amCurve');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  })()`);
  assert.ok(inked > 200, `curve pixels: ${inked}`);
});

test('Export PNG posts a PNG of the image; Cancel posts cancel while running', async () => {
  await page.click('#export');
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).posted.some((p) => p.type === 'exportPng'));
  const exp = await page.evaluate(() => {
    const e = ((globalThis as unknown as PageGlobals).posted as (Posted & { png: Uint8Array })[]).find((p) => p.type === 'exportPng')!;
    return { name: e.suggestedName as string, head: Array.from(e.png.subarray(0, 8)), size: e.png.length };
  });
  assert.deepEqual(exp.head, [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.match(exp.name, /^mnist_cnn-conv2-unit3-step16\.png$/);
  await send({ type: 'runStarted', runId: 2, layerId: 'conv2', units: [3], totalSteps: 16 });
  await page.click('#cancel');
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).posted.some((p) => p.type === 'cancel'));
  await send({ type: 'runEnded', runId: 2, status: 'cancelled', message: 'Cancelled.' });
});

test('the atlas shows cells as batches arrive; the snapshot counts cells done; a cell click runs that unit', async () => {
  await page.click('#atlas');
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).posted.some((p) => p.type === 'atlas'));
  await send({ type: 'atlasStarted', runId: 3, layerId: 'conv1', channels: 16, batch: 8 });
  const units = Array.from({ length: 8 }, (_, i) => i);
  await send({ type: 'atlasCells', runId: 3, units, images: units.map((u) => solid(28, 28, [u * 30, 100, 200])), width: 28, height: 28, objective: units.map(() => 1), cached: false, done: 8, total: 16 });
  const half = await snapshot(201);
  assert.equal(half.meta.view, 'atlas');
  assert.equal(half.meta.layerId, 'conv1');
  assert.equal(half.meta.cells, 16);
  assert.equal(half.meta.done, 8);
  const scale = half.meta.scale as number;
  const cellW = half.meta.cellWidth as number;
  const gap = half.meta.gap as number;
  // Cell 1's first pixel has unit 1's colour; a pending cell (8) is a placeholder, not an image.
  const px = (x: number, y: number) => half.rgba.slice((y * half.width + x) * 4, (y * half.width + x) * 4 + 4);
  assert.equal(scale, 3);
  assert.deepEqual(px(cellW + gap + 2, 2), [30, 100, 200, 255]);
  const cols = half.meta.cols as number;
  const pending = { x: (8 % cols) * (cellW + gap) + 2, y: Math.floor(8 / cols) * ((half.meta.cellHeight as number) + gap) + 2 };
  assert.notDeepEqual(px(pending.x, pending.y), [8 * 30, 100, 200, 255]);
  await send({ type: 'atlasCells', runId: 3, units: units.map((u) => u + 8), images: units.map((u) => solid(28, 28, [0, u * 30, 0])), width: 28, height: 28, objective: units.map(() => 2), cached: true, done: 16, total: 16 });
  await send({ type: 'runEnded', runId: 3, status: 'done' });
  const full = await snapshot(202);
  assert.equal(full.meta.done, 16);
  assert.match((await page.textContent('#atlasCaption')) ?? '', /16 of 16 units \(8 from the cache\)/);
  // Click unit 5's cell: the panel switches to the live view and asks to run unit 5.
  const box = (await page.locator('#atlasGrid').boundingBox())!;
  await page.mouse.click(box.x + (5 % cols) * (cellW + gap) + 5, box.y + Math.floor(5 / cols) * ((full.meta.cellHeight as number) + gap) + 5);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).posted.filter((p) => p.type === 'run').length >= 2);
  const runs = (await posted()).filter((p) => p.type === 'run') as unknown as { state: typeof state }[];
  assert.equal(runs[runs.length - 1].state.settings.units, '5');
  assert.equal(runs[runs.length - 1].state.view, 'single');
});
