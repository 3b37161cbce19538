export { computeActivations } from './computeActivations';
export { channelStats } from './channelStats';
export { topPredictions, predictionLayerId } from './topPredictions';
export { runFeatureMapPass, mapGeometry, type FeatureMapPass, type FeatureMapPassInput } from './featureMapPass';
