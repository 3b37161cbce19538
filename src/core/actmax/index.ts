// Public surface of the activation-maximization engine.
export { renderActmax, octaveSizes, type ActmaxOptions } from './render';
export { resolveSettings, isPresetName } from './presets';
export { defaultInputSpec, toModelInput, toRgba, fixedInputSize } from './modelInput';
export { createParam, type ImageParam, type ParamConfig } from './param';
export { applyTransforms, standardTransforms, pad, jitter, scale, rotate, fitToSize } from './transforms';
export { PENALTIES, l1Penalty, l2Penalty, totalVariation, scharrGradientRms, blurPenalty, darkPenalty } from './regularizers';
export { evaluateObjective, objectiveLayers, penaltyObjective, type ObjectiveContext } from './objectives';
export { createRng, type Rng } from './rng';
