// The actmax request and the model input spec, checked field by field before any tensor is made. The bounds are
// those of the panel and the CLI (src/host/actmax/requestBuilder.ts, src/cli/commands/actmaxCommand.ts), so
// nothing the UI can send is refused, and nothing a buggy or hostile caller sends can allocate without bound.
import { ACTMAX_LIMITS, ACTMAX_PRESETS } from '../shared/actmax';
import { NORMALIZATION_NAMES, RESIZE_MODES } from '../shared/preprocessing';
import { bad, checkInteger, checkNumber, checkString, ParamReader } from './paramChecks';

// The CLI holds its options to the same bounds (src/shared/actmax.ts).
export const MAX_ACTMAX_UNITS = ACTMAX_LIMITS.units;
export const MAX_ACTMAX_STEPS = ACTMAX_LIMITS.steps;
export const [MIN_ACTMAX_SIZE, MAX_ACTMAX_SIZE] = ACTMAX_LIMITS.size;
export const MAX_ACTMAX_BATCH_PIXELS = ACTMAX_LIMITS.batchPixels;
export const MAX_UNIT_INDEX = 1_000_000;
export const MAX_INPUT_SIDE = 4096;
const MAX_LABELS = 100_000;
const MAX_OBJECTIVE_DEPTH = 8;
const MAX_SUM_TERMS = 64;
const MAX_DIRECTION_LENGTH = 65_536;
const MAX_TRANSFORMS = 16;
const MAX_TRANSFORM_CHOICES = 64;

/** `Partial<InputSpec>` (settings and sidecar overrides), or a whole InputSpec when `complete`. */
export function checkInputSpec(r: ParamReader, complete: boolean): void {
  const req = <T>(key: string, read: () => T): void => {
    if (complete || r.has(key)) read();
  };
  req('height', () => r.integer('height', 1, MAX_INPUT_SIDE));
  req('width', () => r.integer('width', 1, MAX_INPUT_SIDE));
  req('channels', () => {
    const c = r.integer('channels', 1, 4);
    if (c === 2) bad('inputSpec.channels', 'must be 1, 3 or 4');
  });
  req('channelOrder', () => r.oneOf('channelOrder', ['rgb', 'bgr'] as const));
  req('resize', () => r.oneOf('resize', RESIZE_MODES));
  r.optionalInteger('resizeSize', 1, MAX_INPUT_SIDE * 4);
  r.optionalOneOf('normalize', NORMALIZATION_NAMES);
  req('scale', () => r.number('scale', -1e6, 1e6));
  req('mean', () => r.list('mean', 1, 4, (v, w) => checkNumber(v, w, -1e6, 1e6)));
  req('std', () =>
    r.list('std', 1, 4, (v, w) => {
      const s = checkNumber(v, w, -1e6, 1e6);
      if (s === 0) bad(w, 'must not be 0');
      return s;
    }),
  );
  r.optionalList('labels', 0, MAX_LABELS, (v, w) => checkString(v, w));
}

export function checkActmaxRequest(r: ParamReader): void {
  r.string('layerId');
  const units = r.list('units', 1, MAX_ACTMAX_UNITS, (v, w) => checkInteger(v, w, 0, MAX_UNIT_INDEX));
  if (r.has('objective')) checkObjective(r.child('objective'), 0);
  r.optionalOneOf('preset', ACTMAX_PRESETS);
  const inputSpec = r.optionalChild('inputSpec');
  if (inputSpec) checkInputSpec(inputSpec, true);
  const o = r.optionalChild('overrides');
  if (!o) return;
  o.optionalInteger('steps', 1, MAX_ACTMAX_STEPS);
  const size = o.optionalInteger('size', MIN_ACTMAX_SIZE, MAX_ACTMAX_SIZE);
  if (size !== undefined && units.length * size * size > MAX_ACTMAX_BATCH_PIXELS) {
    bad('actmax: params.request', `asks for ${units.length} units at ${size} px, more than ${MAX_ACTMAX_BATCH_PIXELS} pixels per step; use fewer units or a smaller size`);
  }
  o.optionalInteger('seed', 0, ACTMAX_LIMITS.seed);
  o.optionalNumber('lr', ...ACTMAX_LIMITS.lr);
  o.optionalOneOf('param', ['pixel', 'fourier', 'maco'] as const);
  o.optionalBoolean('decorrelate');
  o.optionalNumber('decayPower', 0, 8);
  o.optionalList('transforms', 0, MAX_TRANSFORMS, checkTransform);
  const regs = o.optionalChild('regularizers');
  for (const k of ['l1', 'l2', 'totalVariation', 'scharr', 'blur', 'dark']) regs?.optionalNumber(k, 0, ACTMAX_LIMITS.penaltyWeight);
  const octaves = o.optionalChild('octaves');
  if (octaves) {
    octaves.integer('count', 1, 16);
    octaves.number('scale', 1, 4);
  }
  o.optionalInteger('reluRedirectSteps', 0, MAX_ACTMAX_STEPS);
  o.optionalInteger('frameEvery', 1, MAX_ACTMAX_STEPS);
}

function checkTransform(value: unknown, where: string): void {
  const t = ParamReader.of(value, where);
  const kind = t.oneOf('kind', ['pad', 'jitter', 'scale', 'rotate'] as const);
  if (kind === 'pad') {
    t.integer('pixels', 0, MAX_ACTMAX_SIZE);
    t.optionalNumber('value', 0, 1);
  } else if (kind === 'jitter') {
    t.integer('pixels', 0, MAX_ACTMAX_SIZE);
  } else if (kind === 'scale') {
    t.list('factors', 1, MAX_TRANSFORM_CHOICES, (v, w) => {
      const f = checkNumber(v, w, 0, 4);
      if (f === 0) bad(w, 'must be more than 0');
      return f;
    });
  } else {
    t.list('degrees', 1, MAX_TRANSFORM_CHOICES, (v, w) => checkNumber(v, w, -360, 360));
  }
}

const OBJECTIVE_KINDS = ['channel', 'channelRms', 'neuron', 'layerL2', 'classLogit', 'direction', 'diversity', 'negative', 'sum'] as const;

function checkObjective(o: ParamReader, depth: number): void {
  if (depth > MAX_OBJECTIVE_DEPTH) bad('actmax: params.request.objective', `nests more than ${MAX_OBJECTIVE_DEPTH} levels deep`);
  const kind = o.oneOf('kind', OBJECTIVE_KINDS);
  o.optionalString('layerId');
  switch (kind) {
    case 'channel':
    case 'channelRms':
      o.optionalInteger('unit', 0, MAX_UNIT_INDEX);
      return;
    case 'neuron':
      o.optionalInteger('unit', 0, MAX_UNIT_INDEX);
      o.optionalInteger('x', 0, MAX_INPUT_SIDE);
      o.optionalInteger('y', 0, MAX_INPUT_SIDE);
      return;
    case 'classLogit':
      o.optionalInteger('classIndex', 0, MAX_UNIT_INDEX);
      return;
    case 'direction':
      o.list('vector', 1, MAX_DIRECTION_LENGTH, (v, w) => checkNumber(v, w, -1e9, 1e9));
      o.optionalNumber('cossimPower', 0, 16);
      return;
    case 'negative':
      checkObjective(o.child('of'), depth + 1);
      return;
    case 'sum':
      o.list('terms', 1, MAX_SUM_TERMS, (v, w) => {
        const term = ParamReader.of(v, w);
        term.number('weight', -1e6, 1e6);
        checkObjective(term.child('objective'), depth + 1);
      });
      return;
    case 'layerL2':
    case 'diversity':
      return;
  }
}
