// What every picture grid draws around its tiles, in the theme's colours: the gap between tiles (a line that
// shows on dark, light and high-contrast themes alike, whatever the tiles' colours) and the channel number in a
// tile's corner.

export interface TileTheme {
  /** The gap colour: the theme's contrast border (high contrast), else the foreground at 40 % over the background. */
  gap: string;
  gapAlpha: number;
  background: string;
  foreground: string;
  font: string;
}

/** Read once per paint: getComputedStyle is too slow for every tile. */
export function tileTheme(): TileTheme {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const contrast = style.getPropertyValue('--vscode-contrastBorder').trim();
  const foreground = v('--vscode-foreground', '#cccccc');
  return {
    gap: contrast || foreground,
    gapAlpha: contrast ? 1 : 0.4,
    background: v('--vscode-editor-background', '#1e1e1e'),
    foreground,
    font: v('--vscode-font-family', 'sans-serif'),
  };
}

/** Fills a cell's box grown by `gap` to its right and bottom with the gap colour; the tile is drawn over it after. */
export function fillCellGap(ctx: CanvasRenderingContext2D, x: number, y: number, width: number, height: number, gap: number, theme: TileTheme): void {
  if (gap <= 0) return;
  ctx.fillStyle = theme.background;
  ctx.fillRect(x - gap, y - gap, width + 2 * gap, height + 2 * gap);
  ctx.globalAlpha = theme.gapAlpha;
  ctx.fillStyle = theme.gap;
  ctx.fillRect(x - gap, y - gap, width + 2 * gap, height + 2 * gap);
  ctx.globalAlpha = 1;
}

/** Smallest cell that gets a number: below it the label would cover the picture. */
export const NUMBER_MIN_CELL = 28;
export const PLATE_HEIGHT = 10;

/** The channel number in the top-left corner of a tile, on a small plate of the background colour. */
export function drawTileNumber(ctx: CanvasRenderingContext2D, x: number, y: number, n: number, cellWidth: number, cellHeight: number, theme: TileTheme): void {
  if (Math.min(cellWidth, cellHeight) < NUMBER_MIN_CELL) return;
  // A plate PLATE_HEIGHT px tall: on a 3×3 kernel at 21 px a weight it stays off the centre of the corner weight.
  ctx.font = `8px ${theme.font}`;
  ctx.textBaseline = 'top';
  const text = String(n);
  const w = Math.min(cellWidth, Math.ceil(ctx.measureText(text).width) + 4);
  ctx.globalAlpha = 0.75;
  ctx.fillStyle = theme.background;
  ctx.fillRect(x, y, w, PLATE_HEIGHT);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.foreground;
  ctx.fillText(text, x + 2, y + 1, cellWidth - 4);
}
