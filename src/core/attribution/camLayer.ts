// The Grad-CAM family's default layer: the last layer with a spatial map (H and W > 1) before the network pools it
// away, taken at its outermost module (GoogLeNet: inception5b, not inception5b.branch4.1.conv inside it).
import type { LayerInfo, ModelInfo } from '../../shared/model';

function spatial(layer: LayerInfo): boolean {
  const s = layer.outputShape;
  return layer.kind !== 'input' && s.length === 4 && (s[1] === null || s[1] > 1) && (s[2] === null || s[2] > 1);
}

export function defaultCamLayerId(info: ModelInfo): string | undefined {
  const last = [...info.layers].reverse().find(spatial);
  if (!last) return undefined;
  const byId = new Map(info.layers.map((l) => [l.id, l]));
  let layer = last;
  for (let parent = layer.parent ? byId.get(layer.parent) : undefined; parent; parent = parent.parent ? byId.get(parent.parent) : undefined) {
    if (spatial(parent)) layer = parent;
  }
  return layer.id;
}
