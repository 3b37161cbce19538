// The Grad-CAM family's default layer. For a class: the last layer with a spatial map (H and W > 1) before the
// network pools it away, taken at its outermost module (GoogLeNet: inception5b, not inception5b.branch4.1.conv
// inside it). For a unit of a spatial layer: that layer itself, the one spatial layer certain to be on the unit's
// path (layers list no edges, and an earlier layer in the list may sit on a parallel branch); Grad-CAM there shows
// where in the image the unit fires. Any other layer is the user's to pick.
import type { LayerInfo, ModelInfo } from '../../shared/model';

function spatial(layer: LayerInfo): boolean {
  const s = layer.outputShape;
  return layer.kind !== 'input' && s.length === 4 && (s[1] === null || s[1] > 1) && (s[2] === null || s[2] > 1);
}

function classCamLayerId(info: ModelInfo): string | undefined {
  const last = [...info.layers].reverse().find(spatial);
  if (!last) return undefined;
  const byId = new Map(info.layers.map((l) => [l.id, l]));
  let layer = last;
  for (let parent = layer.parent ? byId.get(layer.parent) : undefined; parent; parent = parent.parent ? byId.get(parent.parent) : undefined) {
    if (spatial(parent)) layer = parent;
  }
  return layer.id;
}

/** The default CAM layer for a class target, or for a unit of `unitLayerId` when one is given. */
export function defaultCamLayerId(info: ModelInfo, unitLayerId?: string): string | undefined {
  const unitLayer = unitLayerId === undefined ? undefined : info.layers.find((l) => l.id === unitLayerId);
  if (unitLayer && spatial(unitLayer)) return unitLayer.id;
  return classCamLayerId(info);
}
