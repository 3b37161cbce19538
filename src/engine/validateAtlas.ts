// Params of `atlas.run`, checked by the engine before the handler runs: plain paths, a bounded layer list, units
// 'all' or a whole number, steps within what a run can finish, a known preset. One badArgument sentence names the
// field. Folders are checked by the handler (before any work), since they need the file system.
import { ACTMAX_PRESETS } from '../shared/actmax';
import { ATLAS_LIMITS } from '../shared/atlasProtocol';
import { INPUT_SIZE_MAX, INPUT_SIZE_MIN } from '../shared/inputSize';
import { bad, checkInteger, checkString, type ParamReader } from './paramChecks';

export function checkAtlasRunParams(p: ParamReader): void {
  p.path('modelPath');
  p.path('outDir');
  if (p.has('imagesDir')) p.path('imagesDir');
  p.optionalList('layers', 0, ATLAS_LIMITS.layers, (v, w) => checkString(v, w));
  const units = p.raw('units');
  if (units !== undefined && units !== 'all') {
    if (typeof units !== 'number') bad('atlas.run: params.units', 'must be "all" or a whole number of units per layer');
    checkInteger(units, 'atlas.run: params.units', ...ATLAS_LIMITS.units);
  }
  p.optionalInteger('steps', ...ATLAS_LIMITS.steps);
  p.optionalInteger('batch', ...ATLAS_LIMITS.batch);
  p.optionalOneOf('preset', ACTMAX_PRESETS);
  p.optionalList('inputSize', 2, 2, (v, w) => checkInteger(v, w, INPUT_SIZE_MIN, INPUT_SIZE_MAX));
}
