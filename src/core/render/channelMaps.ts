// One picture per channel of an NHWC activation (batch item 0), coloured with a colormap over each channel's
// own range: what the seed's notebooks plotted with matplotlib for every hooked layer.
import { applyColormap, type ColormapName } from '../../shared/colormap';
import type { LayerActivation } from '../../shared/activations';
import type { RgbaPicture } from './imageGrid';

export function channelPictures(act: LayerActivation, colormap: ColormapName = 'viridis', maxChannels = Infinity): RgbaPicture[] {
  if (act.shape.length !== 4) return [];
  const [, h, w, c] = act.shape;
  const count = Math.min(c, maxChannels);
  const pictures: RgbaPicture[] = [];
  for (let ch = 0; ch < count; ch++) {
    const range = { min: act.stats.min[ch], max: act.stats.max[ch] };
    const rgba = applyColormap(act.data, colormap, range, { start: ch, stride: c, count: h * w });
    pictures.push({ width: w, height: h, rgba });
  }
  return pictures;
}
