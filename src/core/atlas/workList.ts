// What an atlas computes: a sorted list of units (layer order, then unit index) and its fixed batches. The batches
// are cut from the FULL list — consecutive units of one layer, the atlas's batch at a time (atlasBatch.ts), aligned
// at unit 0 — so a unit's pixels never depend on which part of the list a run (or a shard) computes: the same group
// always holds the same units.
import { LayerLensError } from '../../shared/errors';
import type { LayerInfo, ModelInfo } from '../../shared/model';

export interface AtlasItem {
  layerId: string;
  unit: number;
}

/** Units optimized together in one actmax batch when no batch is given (atlasBatch.ts chooses an atlas's). */
export const ATLAS_GROUP_SIZE = 32;

/** A batch of the work list: units of one layer, `[first, first + units.length)`; `index` counts groups in the full list. */
export interface AtlasGroup {
  index: number;
  layerId: string;
  units: number[];
}

/** A layer id as a folder or file name: module paths keep their dots, anything else unsafe becomes '_'. */
export function layerSlug(layerId: string): string {
  return layerId.replace(/[^\w.-]+/g, '_');
}

export function channelsOf(layer: LayerInfo): number {
  const c = layer.outputShape[layer.outputShape.length - 1];
  return typeof c === 'number' && c > 0 ? c : 0;
}

/**
 * The layers an atlas draws: the chosen ones (in model order), or by default every convolution and every module
 * (ONNX name scope) with a spatial output and a known channel count.
 */
export function atlasLayers(info: ModelInfo, chosen?: readonly string[]): LayerInfo[] {
  if (chosen && chosen.length > 0) {
    for (const id of chosen) {
      if (!info.layers.some((l) => l.id === id)) throw new LayerLensError('unknownLayer', `${info.name} has no layer "${id}".`);
    }
    const picked = new Set(chosen);
    const layers = info.layers.filter((l) => picked.has(l.id));
    for (const l of layers) {
      if (l.kind === 'input') throw new LayerLensError('badArgument', `${l.id} is the input of ${info.name}: it has no units to visualize.`);
      if (channelsOf(l) === 0) throw new LayerLensError('unresolvedShape', `${l.id} of ${info.name} has no fixed channel count, so its units cannot be listed.`);
    }
    return layers;
  }
  const layers = info.layers.filter((l) => (l.kind === 'conv' || l.kind === 'depthwiseConv' || l.kind === 'module') && l.outputShape.length === 4 && channelsOf(l) > 0);
  if (layers.length === 0) throw new LayerLensError('badArgument', `${info.name} has no convolution or module with a spatial output: name the layers with --layers.`);
  return layers;
}

/** Every unit of each layer (`units` 'all'), or its first `units`. */
export function atlasWorkList(layers: readonly LayerInfo[], units: 'all' | number): AtlasItem[] {
  const items: AtlasItem[] = [];
  for (const layer of layers) {
    const count = units === 'all' ? channelsOf(layer) : Math.min(units, channelsOf(layer));
    for (let u = 0; u < count; u++) items.push({ layerId: layer.id, unit: u });
  }
  return items;
}

/**
 * What `--units N` does to layers with fewer than N units, said in one sentence (undefined when every layer has
 * N or more): a count above a layer's channels draws that layer whole, as topk's k above the image count draws
 * every image, and the user is told rather than finding fewer pictures than asked for.
 */
export function unitsCapNote(layers: readonly LayerInfo[], units: 'all' | number): string | undefined {
  if (units === 'all') return undefined;
  const narrow = layers.filter((l) => channelsOf(l) < units);
  if (narrow.length === 0) return undefined;
  const shown = narrow.slice(0, 4).map((l) => `${l.id} ${channelsOf(l)}`);
  const list = `${shown.join(', ')} units${narrow.length > shown.length ? `, and ${narrow.length - shown.length} more` : ''}`;
  if (narrow.length === layers.length) {
    if (layers.length === 1) return `--units ${units} is more than ${narrow[0].id} has (${channelsOf(narrow[0])} units): drawing all ${channelsOf(narrow[0])}.`;
    return `--units ${units} is more than any of the ${layers.length} layers has (${list}): each is drawn whole.`;
  }
  const drawn = narrow.length === 1 ? 'it is drawn whole' : 'those are drawn whole';
  return `--units ${units} is more than ${narrow.length} of the ${layers.length} layers have (${list}): ${drawn}, the others' first ${units} units.`;
}

/** The work list cut into batches: a new group at each layer and every `size` units (aligned at unit 0). */
export function atlasGroups(items: readonly AtlasItem[], size = ATLAS_GROUP_SIZE): AtlasGroup[] {
  const groups: AtlasGroup[] = [];
  for (const item of items) {
    const last = groups[groups.length - 1];
    const sameBlock = last && last.layerId === item.layerId && Math.floor(last.units[0]! / size) === Math.floor(item.unit / size);
    if (sameBlock) last.units.push(item.unit);
    else groups.push({ index: groups.length, layerId: item.layerId, units: [item.unit] });
  }
  return groups;
}
