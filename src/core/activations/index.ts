export { computeActivations } from './computeActivations';
export { channelStats } from './channelStats';
export { topPredictions, predictionLayerId } from './topPredictions';
