// Public surface of attribution: why the model gave this output, as a map over the input image.
export { explain, ATTRIBUTION_DEFAULTS, type ExplainCallOptions } from './explain';
export { defaultCamLayerId } from './camLayer';
export { upsampleBilinear } from './upsample';
export { windowStarts } from './occlusion';
