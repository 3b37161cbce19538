// What the kernels panel and the CLI ask the engine for, and what comes back: tiles ready to draw.

export type KernelMode = 'auto' | 'rgb' | 'perChannel' | 'mean';
export type KernelNormalization = 'filter' | 'layer';

export interface KernelsParams {
  modelPath: string;
  layerId: string;
  mode: KernelMode;
  normalize: KernelNormalization;
}

export interface KernelsResult {
  layerId: string;
  /** HWIO [kh, kw, in, out]. */
  kernelShape: number[];
  /** The mode actually drawn ('auto' resolved: rgb for 3 input channels, mean otherwise). */
  mode: Exclude<KernelMode, 'auto'>;
  /** Number of tiles (filters; filters × input channels in perChannel mode). */
  count: number;
  /** Tiles per filter (1, or the input channel count in perChannel mode): a grid row holds one filter's tiles. */
  tilesPerFilter: number;
  tileWidth: number;
  tileHeight: number;
  /** All tiles' RGBA pixels, tile after tile (count × tileHeight × tileWidth × 4). */
  tiles: Uint8ClampedArray;
  /** Per filter: min, max, mean, L2 norm of its weights. */
  stats: { min: Float32Array; max: Float32Array; mean: Float32Array; l2: Float32Array };
  /** Filter indices sorted by L2 norm, largest first. */
  orderByL2: Int32Array;
}
