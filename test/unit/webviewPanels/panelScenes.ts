// Each panel driven into a full, typical state through its fake host (the messages its real host sends): a model
// with long names, a result with many tiles, a model without a fixed input size (the size row), so a layout test
// and a look at screenshots see every part a user sees at once.
import { encodePng } from '../../../src/core/image/encodePng';
import type { PanelPage } from '../webviewBridge/panelPage';

export type PanelName = 'kernels' | 'featureMaps' | 'actmax' | 'actmaxAtlas' | 'topk' | 'unit';

/** The panel (a file of webview/src/panels) a scene drives: the atlas is the Maximize Activation panel's other view. */
export function panelFile(name: PanelName): string {
  return name === 'actmaxAtlas' ? 'actmax' : name;
}

/** An RGBA picture w × h of smooth colour, different per `seed`. */
function picture(w: number, h: number, seed: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      out[i] = (x * 255) / w;
      out[i + 1] = (y * 255) / h;
      out[i + 2] = (seed * 53) % 256;
      out[i + 3] = 255;
    }
  }
  return out;
}

const MODEL = '/home/user/models/resnet18_imagenet_finetuned.onnx';

async function kernels(panel: PanelPage): Promise<void> {
  const count = 64;
  const side = 7;
  const state = { modelPath: MODEL, modelName: 'resnet18_imagenet_finetuned', layerId: 'layer1.0.conv1', mode: 'auto', normalize: 'filter', sortByL2: false };
  const layers = [
    { id: 'conv1', label: 'conv1', kernelShape: [7, 7, 3, 64], kernelText: '64×3×7×7' },
    { id: 'layer1.0.conv1', label: 'layer1.0.conv1', kernelShape: [3, 3, 64, 64], kernelText: '64×64×3×3' },
  ];
  await panel.send({ type: 'init', state, layers, backend: 'wasm (2 threads, SIMD) + native kernels' });
  const tiles = new Uint8ClampedArray(count * side * side * 4);
  for (let f = 0; f < count; f++) tiles.set(picture(side, side, f), f * side * side * 4);
  const ramp = Float32Array.from({ length: count }, (_, i) => i / 10);
  await panel.send({
    type: 'kernels',
    result: {
      layerId: 'layer1.0.conv1', kernelShape: [side, side, 3, count], mode: 'rgb', count, tilesPerFilter: 1, tileWidth: side, tileHeight: side, tiles,
      stats: { min: ramp.map((v) => -v), max: ramp, mean: new Float32Array(count), l2: ramp },
      orderByL2: Int32Array.from({ length: count }, (_, i) => count - 1 - i),
    },
  });
}

async function featureMaps(panel: PanelPage): Promise<void> {
  const channels = 32;
  const side = 14;
  const state = {
    modelPath: MODEL, modelName: 'resnet18_imagenet_finetuned', imagePath: '/home/user/data/a_rather_long_image_name_of_a_dog.jpg',
    imageName: 'a_rather_long_image_name_of_a_dog.jpg', layerId: '', colormap: 'viridis', sort: 'index', normalize: 'channel', opacity: 0.6, channel: -1,
  };
  const ramp = Float32Array.from({ length: channels }, (_, i) => i / 4);
  const stats = { min: new Float32Array(channels), max: ramp, mean: ramp.map((v) => v / 2), zeroFraction: new Float32Array(channels).fill(0.3) };
  const layerValues = { layerId: 'layer1.0.conv1', height: side, width: side, channels, data: Float32Array.from({ length: side * side * channels }, (_, i) => (i % channels) * ((i / channels) % side) / 50) };
  await panel.send({ type: 'init', state, backend: 'wasm' });
  await panel.send({
    type: 'summary',
    result: {
      modelName: state.modelName, imageName: state.imageName, input: { width: 64, height: 64, rgba: picture(64, 64, 3) },
      inputSizeNote: "the model does not fix its input size; this one is Layer Lens's default",
      preprocessing: { line: 'resize shorter side to 256, center crop 224 · torchvision mean/std · default for ImageNet models', resize: 'shorter-crop', normalize: 'imagenet' },
      imageWidth: 640, imageHeight: 480, nativeLayout: 'NCHW', forwardMs: 41,
      predictions: [
        { classIndex: 207, label: 'golden retriever', probability: 0.61, score: 9.1 },
        { classIndex: 208, label: 'Labrador retriever', probability: 0.2, score: 8 },
        { classIndex: 222, label: 'kuvasz', probability: 0.08, score: 7.1 },
        { classIndex: 852, label: 'tennis ball', probability: 0.03, score: 6 },
        { classIndex: 176, label: 'Saluki, gazelle hound', probability: 0.01, score: 5 },
      ],
      layers: [{ id: 'layer1.0.conv1', kind: 'conv', shape: [1, side, side, channels], height: side, width: side, channels, stats }],
      firstLayer: layerValues,
    },
  });
}

async function actmax(panel: PanelPage): Promise<void> {
  const state = {
    modelPath: MODEL, modelName: 'resnet18_imagenet_finetuned', layerId: 'layer4.1.conv2', view: 'single',
    settings: { units: '0, 3, 8-11', objective: 'channel', preset: 'lucid', seed: 0, regularizers: {}, frameEvery: 8 },
  };
  const layers = [{ id: 'layer4.1.conv2', kind: 'conv', channels: 512 }, { id: 'fc', kind: 'dense', channels: 1000 }];
  await panel.send({ type: 'init', state, layers, logitsId: 'fc', classCount: 1000, backend: 'wasm', inputSize: { height: 224, width: 224, source: 'default' } });
  const units = [0, 3, 8, 9, 10, 11];
  const side = 32;
  await panel.send({ type: 'runStarted', runId: 1, layerId: 'layer4.1.conv2', units, totalSteps: 256 });
  for (const step of [8, 64, 128]) {
    await panel.send({ type: 'frame', runId: 1, frame: { step, totalSteps: 256, images: units.map((u) => picture(side, side, u + step)), width: side, height: side, objective: units.map((u) => u + step / 100) } });
  }
  await panel.send({
    type: 'result', runId: 1, cached: false,
    result: {
      images: units.map((u) => picture(side, side, u)), width: side, height: side, msPerStep: 38.2,
      objectiveHistory: units.map((u) => Float32Array.from({ length: 256 }, (_, s) => u + Math.sqrt(s))),
      settings: { layerId: 'layer4.1.conv2', units, preset: 'lucid', param: 'fft', steps: 256, width: 224, height: 224 },
    },
  });
  await panel.send({ type: 'runEnded', runId: 1, status: 'done' });
}

/** The atlas's units and how many a scene has rendered (batches of 8, the last batch still running). */
export const ATLAS = { layerId: 'layer4.1.conv2', channels: 64, rendered: 40, side: 32 };

/** Visualize Layer part-way: 40 of 64 units rendered in batches of 8, the next batch at step 96. */
async function actmaxAtlas(panel: PanelPage): Promise<void> {
  const { layerId, channels, rendered, side } = ATLAS;
  const state = {
    modelPath: MODEL, modelName: 'resnet18_imagenet_finetuned', layerId, view: 'atlas',
    settings: { units: '0', objective: 'channel', preset: 'lucid', seed: 0, regularizers: {}, frameEvery: 8 },
  };
  await panel.send({ type: 'init', state, layers: [{ id: layerId, kind: 'conv', channels }], backend: 'wasm', inputSize: { height: 224, width: 224, source: 'default' } });
  await panel.send({ type: 'atlasStarted', runId: 1, layerId, channels, batch: 8 });
  for (let first = 0; first < rendered; first += 8) {
    const units = Array.from({ length: 8 }, (_, i) => first + i);
    await panel.send({ type: 'atlasCells', runId: 1, units, images: units.map((u) => picture(side, side, u)), width: side, height: side, objective: units.map((u) => u / 10), cached: first === 0 });
  }
  await panel.send({ type: 'atlasProgress', runId: 1, step: 96, totalSteps: 256 });
}

async function topk(panel: PanelPage): Promise<void> {
  const k = 5;
  const channels = 12;
  const side = 16;
  const folder = '/home/user/datasets/imagenette2-320/val/n02102040';
  const state = { modelPath: MODEL, modelName: 'resnet18_imagenet_finetuned', layerId: 'layer2.0.conv1', folder, k, sort: 'index', deadLast: true };
  const files = Array.from({ length: 8 }, (_, i) => `${folder}/ILSVRC2012_val_000${1000 + i}.JPEG`);
  const entry = (c: number, r: number) => ({ file: files[(c + r) % files.length]!, value: (channels - c) * (k - r), mean: 1, x: 3, y: 5, box: { x: 2, y: 2, width: 7, height: 7 } });
  const top = Array.from({ length: channels }, (_, c) => Array.from({ length: k }, (_, r) => (c === 4 ? { ...entry(c, r), value: 0 } : entry(c, r))));
  const thumbs = new Uint8ClampedArray(files.length * side * side * 4);
  files.forEach((_, i) => thumbs.set(picture(side, side, i), i * side * side * 4));
  await panel.send({ type: 'init', state, backend: 'wasm' });
  await panel.send({
    type: 'result',
    result: {
      modelName: state.modelName, folder,
      result: {
        layerId: state.layerId, k, channels, top, grid: [side, side], input: [side, side],
        receptiveField: { rows: { stride: 2, start: -3, end: 3, length: side }, cols: { stride: 2, start: -3, end: 3, length: side }, size: [7, 7] },
        imageCount: 3925, skipped: ['broken.jpg'], batchSize: 16, ms: 48200, fromCache: false,
      },
      pictures: { files, thumbWidth: side, thumbHeight: side, thumbScale: 1, thumbs, thumbIndex: Int32Array.from({ length: channels * k }, (_, i) => i % files.length), failed: [] },
      inputSize: { height: side, width: side, source: 'chosen' },
    },
  });
  await panel.send({ type: 'modelSize', size: { height: 96, width: 128 } });
}

async function unit(panel: PanelPage): Promise<void> {
  const png = (w: number, h: number, seed: number): Uint8Array => encodePng(picture(w, h, seed), w, h);
  const state = { modelPath: MODEL, modelName: 'resnet18_imagenet_finetuned', layerId: 'layer3.1.conv2', unit: 117, settings: { preset: 'lucid', seeds: 2, k: 5 } };
  await panel.send({ type: 'init', state, backend: 'wasm' });
  const folder = '/home/user/datasets/imagenette2-320/val/n02102040';
  const record = {
    layerId: state.layerId, unit: 117,
    actmax: [{ file: 'actmax-0.png', seed: 0, activation: 14.2 }, { file: 'actmax-1.png', seed: 1, activation: 13.7 }],
    diversity: ['div-0.png', 'div-1.png', 'div-2.png', 'div-3.png'],
    quality: { activation: 14.2, transformed: 5.1, draws: 16, top1: 11.3 },
    topPicture: 'top.png',
    top: Array.from({ length: 5 }, (_, i) => ({ file: `${folder}/ILSVRC2012_val_000${1000 + i}_with_a_long_name.JPEG`, value: 11.3 - i, x: 4, y: 7 })),
    stats: { mean: 0.412, max: 11.3, firing: 0.34, images: 3925 },
    kernel: 'kernel.png',
    inputs: { layerId: 'layer3.1.conv1', units: [{ unit: 12, weight: 0.93 }, { unit: 200, weight: 0.71 }, { unit: 3, weight: 0.5 }] },
  };
  const pictures = [
    { file: 'actmax-0.png', png: png(64, 64, 1) }, { file: 'actmax-1.png', png: png(64, 64, 2) },
    ...record.diversity.map((file, i) => ({ file, png: png(48, 48, 5 + i) })),
    { file: 'top.png', png: png(600, 240, 9) }, { file: 'kernel.png', png: png(3, 3, 4) },
  ];
  await panel.send({
    type: 'page',
    view: { record, pictures, settings: { preset: 'lucid', steps: 256, seeds: 2, diversity: 4, k: 5 }, imagesDir: folder, images: 3925, fromCache: true, layerUnits: 256 },
  });
  await panel.page.waitForFunction('document.querySelectorAll("#page section").length > 0');
}

export const SCENES: Record<PanelName, (panel: PanelPage) => Promise<void>> = { kernels, featureMaps, actmax, actmaxAtlas, topk, unit };

/** The init a panel gets before anything is computed for it: its state, a layer list, the backend. */
export function initOnly(name: PanelName): unknown {
  const model = { modelPath: MODEL, modelName: 'resnet18_imagenet_finetuned' };
  switch (name) {
    case 'kernels':
      return { type: 'init', state: { ...model, layerId: 'conv1', mode: 'auto', normalize: 'filter', sortByL2: false }, layers: [{ id: 'conv1', label: 'conv1', kernelShape: [7, 7, 3, 64], kernelText: '64×3×7×7' }], backend: 'wasm' };
    case 'featureMaps':
      return { type: 'init', state: { ...model, imagePath: '/home/user/dog.jpg', imageName: 'dog.jpg', layerId: '', colormap: 'viridis', sort: 'index', normalize: 'channel', opacity: 0.6, channel: -1 }, backend: 'wasm' };
    case 'actmax':
    case 'actmaxAtlas':
      return { type: 'init', state: { ...model, layerId: 'conv1', view: 'single', settings: { units: '0', objective: 'channel', preset: 'lucid', seed: 0, regularizers: {}, frameEvery: 8 } }, layers: [{ id: 'conv1', kind: 'conv', channels: 64 }], backend: 'wasm' };
    case 'topk':
      return { type: 'init', state: { ...model, layerId: 'conv1', folder: '/home/user/data', k: 5, sort: 'index', deadLast: true }, backend: 'wasm' };
    case 'unit':
      return { type: 'init', state: { ...model, layerId: 'conv1', unit: 3, settings: { preset: 'lucid', seeds: 2, k: 5 } }, backend: 'wasm' };
  }
}
