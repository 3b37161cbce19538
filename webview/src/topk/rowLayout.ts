// Where everything of the Top Images panel goes: one row per channel — a label, the channel's actmax picture
// (when any channel has one), the k images as the model sees them, a gap, the k crops. Pure numbers: unit-tested
// without a DOM; drawing and hit-testing share them.

export interface RowLayout {
  rows: number;
  k: number;
  /** Side of a square picture tile in CSS pixels. */
  tile: number;
  gap: number;
  /** Width of the channel label at the start of a row. */
  labelWidth: number;
  /** Whether rows start with an actmax tile. */
  actmax: boolean;
  /** Extra space between the groups (actmax | images | crops). */
  split: number;
  /** Row pitch: tile + gap. */
  rowHeight: number;
  width: number;
  height: number;
}

export type SlotKind = 'actmax' | 'thumb' | 'crop';

export interface Hit {
  /** Row (display position, not channel). */
  row: number;
  kind: SlotKind;
  /** Rank 0..k−1 for thumbs and crops; 0 for actmax. */
  rank: number;
  /** Whether the point is on the small "feature maps" button in the tile's top-right corner. */
  onButton: boolean;
}

export const BUTTON = 14;
const LABEL_WIDTH = 64;
const GAP = 4;
const SPLIT = 12;

/** Tiles of about 72 px at zoom 1; a small input (MNIST's 28 px) gets a whole-number enlargement so it stays crisp. */
export function tileSide(inputSide: number, zoom = 1): number {
  const target = Math.max(24, Math.min(320, 72 * zoom));
  if (inputSide > 0 && inputSide < target) return inputSide * Math.max(1, Math.round(target / inputSide));
  return Math.round(target);
}

/** The smallest tile the panel shrinks to in order to fit its width; below it, the grid scrolls sideways. */
export const MIN_TILE = 32;

/**
 * The tile side for a panel `availableWidth` pixels wide: the natural side (tileSide at zoom 1) shrunk until a row
 * (label, actmax, k images, k crops) fits, never below MIN_TILE, then zoomed. A small input keeps a whole-number
 * enlargement when it fits unshrunk.
 */
export function fittedTile(inputSide: number, k: number, availableWidth: number, zoom = 1): number {
  const natural = tileSide(inputSide, 1);
  const fixed = LABEL_WIDTH + 2 * SPLIT + 2 * Math.max(0, k - 1) * GAP;
  const fits = Math.floor((availableWidth - fixed) / (2 * k + 1));
  // Room for the natural side: the old sizing, whole-number enlargements included.
  if (fits >= natural) return tileSide(inputSide, zoom);
  return Math.max(16, Math.min(320, Math.round(Math.max(MIN_TILE, fits) * zoom)));
}

export function layoutRows(rows: number, k: number, tile: number, actmax: boolean): RowLayout {
  const group = k * tile + Math.max(0, k - 1) * GAP;
  const width = LABEL_WIDTH + (actmax ? tile + SPLIT : 0) + group + SPLIT + group;
  const rowHeight = tile + GAP;
  return { rows, k, tile, gap: GAP, labelWidth: LABEL_WIDTH, actmax, split: SPLIT, rowHeight, width, height: rows > 0 ? rows * rowHeight - GAP : 0 };
}

/** Left edge of a tile within a row. */
export function slotX(l: RowLayout, kind: SlotKind, rank = 0): number {
  const actmaxEnd = l.labelWidth + (l.actmax ? l.tile + l.split : 0);
  if (kind === 'actmax') return l.labelWidth;
  const thumbs = actmaxEnd;
  if (kind === 'thumb') return thumbs + rank * (l.tile + l.gap);
  return thumbs + l.k * (l.tile + l.gap) - l.gap + l.split + rank * (l.tile + l.gap);
}

/** Rows [first, last) that intersect the viewport. */
export function visibleRows(l: RowLayout, scrollTop: number, viewHeight: number): { first: number; last: number } {
  if (l.rows === 0) return { first: 0, last: 0 };
  const first = Math.max(0, Math.min(l.rows, Math.floor(scrollTop / l.rowHeight)));
  const last = Math.max(first, Math.min(l.rows, Math.ceil((scrollTop + Math.max(0, viewHeight)) / l.rowHeight)));
  return { first, last };
}

/** What is under (x, y) in content coordinates (y includes the scroll offset). */
export function hitTest(l: RowLayout, x: number, y: number): Hit | undefined {
  if (y < 0 || x < 0) return undefined;
  const row = Math.floor(y / l.rowHeight);
  const inY = y - row * l.rowHeight;
  if (row >= l.rows || inY >= l.tile) return undefined;
  const kinds: SlotKind[] = l.actmax ? ['actmax', 'thumb', 'crop'] : ['thumb', 'crop'];
  for (const kind of kinds) {
    const count = kind === 'actmax' ? 1 : l.k;
    for (let rank = 0; rank < count; rank++) {
      const x0 = slotX(l, kind, rank);
      if (x >= x0 && x < x0 + l.tile) {
        const onButton = kind !== 'actmax' && x >= x0 + l.tile - BUTTON && inY < BUTTON;
        return { row, kind, rank, onButton };
      }
    }
  }
  return undefined;
}

/** scrollTop that brings `row` into view (unchanged when it already is). */
export function scrollToRow(l: RowLayout, row: number, scrollTop: number, viewHeight: number): number {
  const top = row * l.rowHeight;
  if (top < scrollTop) return top;
  if (top + l.tile > scrollTop + viewHeight) return Math.max(0, top + l.tile - viewHeight);
  return scrollTop;
}

/** A box of model-input pixels fitted into a tile: scale and offsets (centred, aspect kept). */
export function fitBox(width: number, height: number, tile: number): { scale: number; dx: number; dy: number; w: number; h: number } {
  const scale = tile / Math.max(1, width, height);
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  return { scale, dx: Math.floor((tile - w) / 2), dy: Math.floor((tile - h) / 2), w, h };
}
