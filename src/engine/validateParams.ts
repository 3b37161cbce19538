// Every request's params, checked by the engine itself before its handler runs: the host is not the only
// possible sender (a test, a future client, a bug), and a handler given 5,000 units or a 10^9-pixel size would
// allocate first and fail late. One validator per method, in a table looked up by own property only; a bad
// param is one badArgument sentence that names the method and the field.
import { TOPK_MAX_BATCH, TOPK_MAX_K, TOPK_PICTURE_BUDGET_BYTES } from '../shared/topkProtocol';
import type { EngineMethod } from '../shared/protocol/engineProtocol';
import { LayerLensError } from '../shared/errors';
import { INPUT_SIZE_MAX, INPUT_SIZE_MIN } from '../shared/inputSize';
import { PYTORCH_SHAPE_MAX_DIM, PYTORCH_SHAPE_MAX_ELEMENTS } from '../shared/pytorchProtocol';
import { bad, checkInteger, checkString, MAX_PATH_LENGTH, ParamReader } from './paramChecks';
import { checkActmaxRequest, checkInputSpec } from './validateActmax';
import { checkAttributionOptions } from './validateAttribution';
import { checkAtlasRunParams } from './validateAtlas';
import { checkUnitPageParams } from './validateUnit';

/** Images per top-k forward pass: the engine picks from the layer sizes when absent. */
export const MAX_TOPK_BATCH = TOPK_MAX_BATCH;
/** Layers one feature-maps pass may name (GoogLeNet has a few hundred). */
const MAX_LAYER_IDS = 10_000;
const MAX_WASM_THREADS = 64;
/** A PyTorch input shape: NCHW (or up to 6 dimensions for other layouts the user's model takes). */
const MAX_SHAPE_RANK = 6;
const MAX_PYTHON_CANDIDATES = 8;

type Validator = (p: ParamReader) => void;

const VALIDATORS: { readonly [M in EngineMethod]: Validator } = {
  init(p) {
    p.oneOf('backend', ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const);
    p.optionalString('nativeBackendPath', MAX_PATH_LENGTH);
    p.optionalInteger('wasmThreads', 0, MAX_WASM_THREADS);
    p.optionalBoolean('nativeKernels');
    p.optionalString('nativeKernelsOffReason');
  },
  loadModel(p) {
    p.path('path');
    p.optionalList('inputSize', 2, 2, (v, w) => checkInteger(v, w, INPUT_SIZE_MIN, INPUT_SIZE_MAX));
  },
  memory() {
    // No params: anything in the object is ignored.
  },
  kernels(p) {
    p.path('modelPath');
    p.string('layerId');
    p.oneOf('mode', ['auto', 'rgb', 'perChannel', 'mean'] as const);
    p.oneOf('normalize', ['filter', 'layer'] as const);
  },
  'featureMaps.open'(p) {
    p.path('modelPath');
    p.path('imagePath');
    const settings = p.optionalChild('inputSettings');
    if (settings) checkFeatureMapsSettings(settings);
    p.optionalList('layerIds', 0, MAX_LAYER_IDS, (v, w) => checkString(v, w));
    p.optionalString('layerId');
  },
  'featureMaps.layer'(p) {
    p.path('modelPath');
    p.path('imagePath');
    p.string('layerId');
    const settings = p.optionalChild('inputSettings');
    if (settings) checkFeatureMapsSettings(settings);
  },
  'topk.find'(p) {
    p.path('modelPath');
    p.string('layerId');
    p.path('folder');
    p.integer('k', 1, TOPK_MAX_K);
    p.path('cacheDir');
    p.optionalInteger('batchSize', 1, MAX_TOPK_BATCH);
    p.optionalInteger('pictureBudgetBytes', 1, TOPK_PICTURE_BUDGET_BYTES);
    p.optionalList('inputSize', 2, 2, (v, w) => checkInteger(v, w, INPUT_SIZE_MIN, INPUT_SIZE_MAX));
  },
  actmax(p) {
    p.path('modelPath');
    checkActmaxRequest(p.child('request'));
    const settings = p.optionalChild('inputSettings');
    if (settings) checkInputSpec(settings, false);
  },
  'attribution.run'(p) {
    p.path('modelPath');
    p.path('imagePath');
    checkAttributionOptions(p.child('options'));
    const settings = p.optionalChild('inputSettings');
    if (settings) checkFeatureMapsSettings(settings);
  },
  'atlas.run': checkAtlasRunParams,
  'pytorch.inspect'(p) {
    p.path('path');
    checkPythonCandidates(p);
  },
  'pytorch.convert'(p) {
    p.path('path');
    p.path('python');
    const shape = p.list('inputShape', 1, MAX_SHAPE_RANK, (v, w) => checkInteger(v, w, 1, PYTORCH_SHAPE_MAX_DIM));
    const values = shape.reduce((a, b) => a * b, 1);
    if (values > PYTORCH_SHAPE_MAX_ELEMENTS) bad('pytorch.convert: params.inputShape', `holds ${values} values; at most ${PYTORCH_SHAPE_MAX_ELEMENTS} are accepted`);
    p.path('outPath');
  },
  'torchvision.export'(p) {
    const name = p.string('name', 100);
    if (!/^[a-z][a-z0-9_]*$/.test(name)) bad(`torchvision.export: params.name`, 'must be a torchvision model name such as resnet18');
    p.boolean('pretrained');
    p.path('outDir');
    checkPythonCandidates(p);
  },
  'unit.page': checkUnitPageParams,
};

/** Interpreters a Python request may try, in order: a short list of paths or command names. */
function checkPythonCandidates(p: ParamReader): void {
  p.list('pythonCandidates', 1, MAX_PYTHON_CANDIDATES, (v, w) => {
    const candidate = checkString(v, w, MAX_PATH_LENGTH);
    if (candidate === '' || candidate.includes('\0')) bad(w, 'must be an interpreter path or command name');
    return candidate;
  });
}

/**
 * A feature-maps pass keeps every layer's values: its size is held to what the panel offers (8 to 1024 px a side),
 * tighter than the generic input spec's bound.
 */
function checkFeatureMapsSettings(settings: ParamReader): void {
  checkInputSpec(settings, false);
  settings.optionalInteger('height', INPUT_SIZE_MIN, INPUT_SIZE_MAX);
  settings.optionalInteger('width', INPUT_SIZE_MIN, INPUT_SIZE_MAX);
}

/** Whether `method` names an engine method (own property of the table: never `constructor`, `toString`, `__proto__`). */
export function isEngineMethod(method: unknown): method is EngineMethod {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(VALIDATORS, method);
}

/** Throws a badArgument LayerLensError (one sentence) unless `params` are what `method` accepts. */
export function validateParams(method: unknown, params: unknown): asserts method is EngineMethod {
  if (!isEngineMethod(method)) {
    const name = typeof method === 'string' ? method.slice(0, 100) : typeof method;
    throw new LayerLensError('badArgument', `The engine has no method named ${name}.`);
  }
  if (params === undefined && method === 'memory') return;
  (VALIDATORS[method] as Validator)(ParamReader.of(params, `${method}: params`));
}
