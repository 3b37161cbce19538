// `npm run bench:peer`: the same work in PyTorch (2 threads) and in Layer Lens, back to back in one run, with
// each ratio against its target (within 2× of PyTorch) and the FLOP rate each side reaches. Prints numbers; asserts nothing.
// Usage: npm run bench:peer [-- --only actmax,batched,featureMaps,topk,mobilenet,twin,stall,attribution] [--backend wasm|cpu] [--wasm-threads N (0 = engine default)]
//        [--steps 10] [--runs 5] [--images 32]
//        LAYER_LENS_NATIVE_KERNELS=0 times TF.js's own kernels instead of the native ones.
import { join } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { loadModel } from '../src/core/node/loadModelFile';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import { benchFixturesDir } from './benchFixtures';
import { ensureImageFolder } from './peer/imageFolder';
import { actmaxMsPerStep, featureMapsMs, forwardMs, lucidMsPerStep, topkMs } from './peer/layerLensSide';
import { ensureMobilenetV2Layers, LAYERS_TWIN_LAYER } from './peer/mobilenetV2Twin';
import { layersTwinRows } from './peer/layersTwinRows';
import { measureStall } from './peer/eventLoopStall';
import { ensureTorch, pick, runTorch, type TorchResult } from './peer/torchSide';
import { attributionRows } from './peer/attributionRows';
import { batchedRows } from './peer/batchedRows';

/** This CPU's single-precision FMA peak (2 cores, AVX-512: docs/reference-numbers.md); override with LAYER_LENS_FMA_PEAK_GFLOPS. */
const FMA_PEAK_GFLOPS = Number(process.env.LAYER_LENS_FMA_PEAK_GFLOPS ?? 524 * (cpus().length / 2));
const LAYER = 'inception4a';
const SIZE = 224;

function gflops(macs: number | undefined, ms: number): string {
  if (!macs) return '';
  const g = (2 * macs) / (ms * 1e6);
  return `${g.toFixed(1)} GFLOP/s (${((100 * g) / FMA_PEAK_GFLOPS).toFixed(1)}% of peak)`;
}

function row(task: string, ll: string, pt: string, ratio: string, verdict: string): void {
  process.stdout.write(`${task.padEnd(34)} ${ll.padStart(14)} ${pt.padStart(14)} ${ratio.padStart(9)}  ${verdict}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'actmax,batched,featureMaps,topk,mobilenet,stall,attribution' },
      backend: { type: 'string', default: 'wasm' },
      'wasm-threads': { type: 'string', default: '0' },
      steps: { type: 'string', default: '10' },
      runs: { type: 'string', default: '5' },
      images: { type: 'string', default: '32' },
    },
  });
  const root = join(__dirname, '..');
  const only = new Set(values.only.split(','));
  const steps = Number(values.steps);
  const runs = Number(values.runs);
  process.stdout.write(`Layer Lens vs PyTorch — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
  ensureTorch(root);
  // --wasm-threads 0 = the engine's default (min(2, cores)), so the bench measures what users get;
  // LAYER_LENS_NATIVE_KERNELS=0 measures TF.js's own kernels instead.
  const status = await startNodeBackend(values.backend as 'wasm' | 'cpu', { threads: Number(values['wasm-threads']) });
  const [info] = runTorch(root, ['--only', 'info', '--threads', '2']);
  process.stdout.write(`Layer Lens: ${status.detail}${status.kernels && !status.detail.includes(status.kernels) ? ` [${status.kernels}]` : ''}; PyTorch ${String(info.torch)} with ${String(info.threads)} threads (${String(info.weights)})\n`);
  process.stdout.write(`FMA peak used for the percentages: ${FMA_PEAK_GFLOPS} GFLOP/s\n`);
  process.stdout.write(`${loadLine()}\n\n`);
  row('work', 'Layer Lens', 'PyTorch', 'ratio', 'target');

  const model = await loadModel(join(benchFixturesDir(root), 'googlenet.onnx'));
  const details: string[] = [];
  const torch = (args: string[]): TorchResult[] => runTorch(root, [...args, '--threads', '2', '--size', String(SIZE), '--layer', LAYER, '--runs', String(runs)]);
  try {
    if (only.has('actmax')) {
      const pt = pick(torch(['--only', 'actmax', '--steps', String(steps)]), 'actmax');
      const ll = await actmaxMsPerStep(model, LAYER, 0, SIZE, steps, Math.min(runs, 3));
      const ratio = ll / pt.ms;
      row(`actmax step → ${LAYER}, ${SIZE} px`, `${ll.toFixed(1)} ms`, `${pt.ms.toFixed(1)} ms`, `${ratio.toFixed(2)}×`, `<= 2× ${ratio <= 2 ? 'MET' : 'not met'}`);
      details.push(`actmax: Layer Lens ${gflops(pt.macs, ll)}; PyTorch ${gflops(pt.macs, pt.ms)}; ${pt.note ?? ''}`);
    }
    // Lucid steps for 1, 8 and 32 units at once, in ms per unit (a batch of 32 takes seconds a step: 2 steps a run).
    if (only.has('batched')) details.push(...(await batchedRows(root, model, LAYER, SIZE, Math.min(steps, 2), Math.min(runs, 3), row, gflops)));
    if (only.has('featureMaps')) {
      const ids = model.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
      const results = torch(['--only', 'featureMaps', '--modules', ids.join(',')]);
      const pt = pick(results, 'featureMaps');
      const ptForward = pick(results, 'forward');
      const ll = await featureMapsMs(model, SIZE, runs);
      const llForward = await forwardMs(model, SIZE, runs);
      const ratio = ll.ms / pt.ms;
      row(`feature maps, ${ll.layers} modules`, `${ll.ms.toFixed(1)} ms`, `${pt.ms.toFixed(1)} ms`, `${ratio.toFixed(2)}×`, `<= 2× ${ratio <= 2 ? 'MET' : 'not met'}`);
      row('forward (no hooks), for reference', `${llForward.toFixed(1)} ms`, `${ptForward.ms.toFixed(1)} ms`, `${(llForward / ptForward.ms).toFixed(2)}×`, '');
      details.push(`feature maps: Layer Lens ${gflops(pt.macs, ll.ms)}; PyTorch ${gflops(pt.macs, pt.ms)}; PyTorch hooked ${String(pt.hooks)} modules (missing: ${JSON.stringify(pt.missing)})`);
      details.push(`forward: Layer Lens ${gflops(ptForward.macs, llForward)}; PyTorch ${gflops(ptForward.macs, ptForward.ms)}`);
    }
    if (only.has('topk')) {
      const folder = ensureImageFolder(join(tmpdir(), `layer-lens-peer-images-${values.images}`), Number(values.images), 256);
      const ll = await topkMs(model, LAYER, folder, undefined, Math.max(1, Math.floor(runs / 2)));
      const pt = pick(torch(['--only', 'topk', '--images', folder, '--batch', String(ll.batch)]), 'topk');
      const llRate = ll.images / (ll.ms / 1000);
      const ptRate = Number(pt.imagesPerS);
      const ratio = llRate / ptRate;
      row(`top-k → ${LAYER}, ${ll.images} images`, `${llRate.toFixed(1)} img/s`, `${ptRate.toFixed(1)} img/s`, `${ratio.toFixed(2)}×`, `>= 0.5× ${ratio >= 0.5 ? 'MET' : 'not met'}`);
      details.push(`top-k: batch ${ll.batch}; Layer Lens ${gflops(pt.macs, ll.ms)}; PyTorch ${gflops(pt.macs, pt.ms)} (decode + resize included on both sides)`);
    }
    if (only.has('attribution')) details.push(...(await attributionRows(root, model, Math.min(runs, 3), row)));
  } finally {
    model.dispose();
  }
  if (only.has('mobilenet')) details.push(...(await mobilenetRows(root, Math.min(steps, 5), runs)));
  // The Layers twin folded and layer by layer against the ONNX twin, interleaved, with CPU time per step (not in the default set).
  if (only.has('twin')) details.push(...(await layersTwinRows(Math.min(steps, 3), runs)));
  if (only.has('stall')) {
    const s = await measureStall(join(root, 'dist/engine.js'), join(root, 'models/mnist-cnn/model.json'), 512, values.backend as 'wasm' | 'cpu');
    row('host event-loop stall, 512-step actmax', `${s.maxLateMs.toFixed(1)} ms`, '', '', `<= 20 ms ${s.maxLateMs <= 20 ? 'MET' : 'not met'}`);
    details.push(`stall: ${s.samples} samples of a 5 ms interval in the host while the engine ran ${s.steps} MNIST actmax steps in ${s.runMs.toFixed(0)} ms; p99 lateness ${s.p99LateMs.toFixed(1)} ms`);
  }
  process.stdout.write(`\n${details.join('\n')}\n${loadLine()}\n`);
}

/**
 * MobileNetV2's Lucid step (depthwise convs, ReLU6, inverted residuals) to its last feature layer, unit 0: the ONNX
 * fixture in Layer Lens against torchvision's model in PyTorch, then the TF.js-Layers twin against the ONNX twin.
 */
async function mobilenetRows(root: string, steps: number, runs: number): Promise<string[]> {
  const layer = 'features.18';
  const onnx = await loadModel(join(benchFixturesDir(root), 'mobilenet_v2.onnx'));
  const twin = await loadModel(await ensureMobilenetV2Layers(SIZE));
  const ms = (t: number[]) => `${t[Math.floor(t.length / 2)].toFixed(1)} ms`;
  const range = (t: number[]) => `${t[0].toFixed(1)}–${t[t.length - 1].toFixed(1)} ms`;
  try {
    // PyTorch at 1 and 2 threads, the faster as the reference: on a loaded machine its OpenMP threads wait on each
    // other at every op (measured at load 12-20: 2 threads 8-9 s a step, 1 thread ~0.5 s).
    const torchLucid = (threads: number) => {
      const args = ['--model', 'mobilenet_v2', '--only', 'lucid', '--layer', layer, '--threads', String(threads), '--size', String(SIZE), '--steps', String(steps), '--runs', String(runs)];
      return { threads, result: pick(runTorch(root, args), 'lucid') };
    };
    const tried = [torchLucid(1), torchLucid(2)];
    const best = tried.reduce((a, b) => (b.result.ms < a.result.ms ? b : a));
    const pt = best.result;
    const ptRuns = (pt.runsMs as number[] | undefined ?? [pt.ms]).slice().sort((a, b) => a - b);
    const ll = await lucidMsPerStep(onnx, layer, 0, SIZE, steps, runs);
    const layers = await lucidMsPerStep(twin, LAYERS_TWIN_LAYER, 0, SIZE, steps, runs);
    const median = (t: number[]) => t[Math.floor(t.length / 2)];
    const ratio = median(ll) / pt.ms;
    row(`MobileNetV2 Lucid step at ${SIZE} px`, ms(ll), `${pt.ms.toFixed(1)} ms`, `${ratio.toFixed(2)}×`, `<= 1.5× ${ratio <= 1.5 ? 'MET' : 'not met'}`);
    const twinRatio = median(layers) / median(ll);
    row('  TF.js-Layers twin vs ONNX twin', ms(layers), `ONNX ${ms(ll)}`, `${twinRatio.toFixed(2)}×`, `<= 1.2× ${twinRatio <= 1.2 ? 'MET' : 'not met'}`);
    return [
      `MobileNetV2 Lucid (${steps} steps × ${runs} runs, unit 0 of ${layer} / ${LAYERS_TWIN_LAYER}): ONNX ${range(ll)}, Layers twin ${range(layers)}, ` +
        `PyTorch ${range(ptRuns)} at ${best.threads} thread(s) (${tried.map((t) => `${t.threads}: ${t.result.ms.toFixed(1)} ms`).join(', ')}); ` +
        `Layer Lens ${gflops(pt.macs, median(ll))}; PyTorch ${gflops(pt.macs, pt.ms)}`,
    ];
  } finally {
    onnx.dispose();
    twin.dispose();
  }
}

/** Other processes on the same cores skew both sides (PyTorch's OpenMP threads most): say how busy the machine was. */
function loadLine(): string {
  const [one] = loadavg();
  const busy = one > cpus().length ? ' — busier than its cores: ratios are indicative only' : '';
  return `load average (1 min): ${one.toFixed(2)} on ${cpus().length} cores${busy}`;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:peer: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
