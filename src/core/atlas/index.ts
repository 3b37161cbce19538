// Public surface of the atlas core: the work list and its batches, multi-layer top-k, the quality measure.
export { ATLAS_GROUP_SIZE, atlasGroups, atlasLayers, atlasWorkList, channelsOf, layerSlug, type AtlasGroup, type AtlasItem } from './workList';
export { ATLAS_BATCH_MAX, atlasBatchSize, atlasPlanText } from './atlasBatch';
export { atlasTopk, atlasTopkBatchSize, type AtlasTopkResult, type ChannelStats } from './atlasTopk';
export { QUALITY_DRAWS, unitActivations } from './unitQuality';
export { strongestInputs } from './strongestInputs';
export * from './atlasTypes';
