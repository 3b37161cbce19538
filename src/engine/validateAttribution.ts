// The attribution request checked field by field before any tensor is made: a method the core knows, a target
// it can read, and pass counts bounded so that no caller can ask for a million interpolation steps.
import { ATTRIBUTION_LIMITS, ATTRIBUTION_METHODS } from '../shared/attribution';
import { bad, ParamReader } from './paramChecks';
import { MAX_INPUT_SIDE, MAX_UNIT_INDEX } from './validateActmax';

export function checkAttributionOptions(o: ParamReader): void {
  o.oneOf('method', ATTRIBUTION_METHODS);
  const t = o.child('target');
  const kind = t.oneOf('kind', ['class', 'unit'] as const);
  if (kind === 'class') {
    t.integer('classIndex', 0, MAX_UNIT_INDEX);
    t.optionalOneOf('score', ['logit', 'probability'] as const);
  } else {
    t.string('layerId');
    t.integer('channel', 0, MAX_UNIT_INDEX);
    const y = t.optionalInteger('y', 0, MAX_INPUT_SIDE);
    const x = t.optionalInteger('x', 0, MAX_INPUT_SIDE);
    if ((y === undefined) !== (x === undefined)) bad('attribution.run: params.options.target', 'needs both y and x for a neuron, or neither for the channel mean');
  }
  o.optionalString('camLayerId');
  // The core's own bounds: a request the engine accepts is one the core runs, as from the CLI.
  o.optionalInteger('steps', 1, ATTRIBUTION_LIMITS.steps);
  o.optionalInteger('samples', 1, ATTRIBUTION_LIMITS.samples);
  o.optionalNumber('noise', 0, ATTRIBUTION_LIMITS.noise);
  o.optionalOneOf('baseline', ['black', 'blurred', 'noise'] as const);
  o.optionalInteger('window', 1, MAX_INPUT_SIDE);
  o.optionalInteger('stride', 1, MAX_INPUT_SIDE);
  o.optionalInteger('batchSize', 1, ATTRIBUTION_LIMITS.batchSize);
  o.optionalInteger('seed', 0, ATTRIBUTION_LIMITS.seed);
}
