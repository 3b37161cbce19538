// Params of `unit.page`, checked by the engine before the handler runs: the unit is a whole number below a bound,
// the settings within what the panel offers (a page of 10^6 steps or 10^3 seeds would run for days), the folders
// plain paths. One badArgument sentence names the field.
import { ACTMAX_PRESETS } from '../shared/actmax';
import { UNIT_PAGE_LIMITS } from '../shared/unitProtocol';
import { bad, type ParamReader } from './paramChecks';
import { checkInputSpec } from './validateActmax';

/** More units than any layer has (GoogLeNet's widest: 1024; ResNet's: 2048). */
const MAX_UNIT = 1 << 20;

export function checkUnitPageParams(p: ParamReader): void {
  p.path('modelPath');
  p.string('layerId');
  p.integer('unit', 0, MAX_UNIT);
  p.path('outDir');
  const s = p.child('settings');
  s.oneOf('preset', ACTMAX_PRESETS);
  s.integer('steps', ...UNIT_PAGE_LIMITS.steps);
  s.integer('seeds', ...UNIT_PAGE_LIMITS.seeds);
  const diversity = s.integer('diversity', ...UNIT_PAGE_LIMITS.diversity);
  if (diversity === 1) bad('unit.page: params.settings.diversity', 'must be 0 (none) or at least 2 images');
  s.integer('k', ...UNIT_PAGE_LIMITS.k);
  if (p.has('imagesDir')) p.path('imagesDir');
  const settings = p.optionalChild('inputSettings');
  if (settings) checkInputSpec(settings, false);
}
