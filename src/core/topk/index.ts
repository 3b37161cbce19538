// Public surface of dataset examples (the Node adapter is src/core/node/nodeTopk.ts).
export { findTopImages, chooseBatchSize } from './findTopImages';
export type { TopkFile, TopkOptions } from './findTopImages';
export { TopkCache, slotName, sha256Hex } from './topkCache';
export type { TopkCacheKey, TopkCacheStore } from './topkCache';
export { measureReceptiveField, unitBox, wholeImage } from './receptiveField';
export { TopkHeap } from './topkHeap';
export { channelRow, loadDisplayImages, rowLayout, rowSize, stackRows } from './topkPictures';
export type { Picture, RowLayout } from './topkPictures';
