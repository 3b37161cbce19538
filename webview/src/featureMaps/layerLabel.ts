// A layer's entry in the Feature Maps layer list: its id and one image's map shape in the model's own layout
// (`conv1 · 64×112×112` for an ONNX model, `conv1 · 112×112×64` for TF.js; a vector layer `fc · 1000`).
import type { FeatureLayerSummary } from '../../../src/shared/featureMapsProtocol';
import { displayShape, type NativeLayout } from '../../../src/shared/shapeText';

export function featureLayerLabel(layer: Pick<FeatureLayerSummary, 'id' | 'shape'>, layout: NativeLayout): string {
  return `${layer.id} · ${displayShape(layer.shape, layout, { batch: 'omit' })}`;
}
