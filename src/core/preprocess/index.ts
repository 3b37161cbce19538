// Public surface of preprocessing (the Node-only readSidecar lives in src/core/node/readSidecar.ts).
export { resolveInputSpec, parseSidecar, parseLabelsText } from './inputSpec';
export type { SidecarFile } from './inputSpec';
export { loadSidecar } from './loadSidecar';
export { preprocess, LUMA } from './preprocess';
export { toDisplayRgba } from './display';
export type { RgbaImage } from './display';
export { fitImage } from './geometry';
export { withImageSize, inputSizeNote } from './imageInputSize';
