// Types of the kernels picture beyond the engine protocol (src/shared/kernelsProtocol.ts): options and the
// placement of tiles in a composed grid image (the CLI's PNG export, the webview's hit testing).
import type { KernelMode, KernelNormalization } from './kernelsProtocol';

export type { KernelMode, KernelNormalization };

export interface KernelTileOptions {
  /** 'auto': rgb for 3 input channels, mean otherwise ('perChannel' and 'mean' are the same for 1 channel). */
  mode: KernelMode;
  /** 'filter': each filter scaled on its own; 'layer': one scale for the whole layer, so filters compare. */
  normalize: KernelNormalization;
}

export interface KernelGridOptions {
  /** Filters per row when a tile is a whole filter (rgb, mean); ignored in perChannel mode (a row per filter). */
  columns?: number;
  /** Pixels between tiles (before scaling is not applied to the gap). Default 1. */
  gap?: number;
  /** RGBA of the gap and unused cells. Default opaque black. */
  background?: [number, number, number, number];
  /** Pixels per weight (nearest neighbour). Default 1. */
  scale?: number;
  /** 'l2': filters sorted by L2 norm, largest first; 'index': file order. Default 'index'. */
  order?: 'index' | 'l2';
}

/** Where one tile sits in a composed grid image, in image pixels. */
export interface TilePlacement {
  filter: number;
  /** Input channel in perChannel mode; 0 otherwise. */
  channel: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface KernelGridImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  placements: TilePlacement[];
}
