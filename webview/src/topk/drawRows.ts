// Draws rows of the Top Images grid onto a canvas: only the rows asked for (the panel passes the visible ones).
// Each distinct picture becomes a small canvas once, on first draw, and is then scaled with drawImage.
import type { TopkActmaxImage, TopkFindResult } from '../../../src/shared/topkProtocol';
import { formatValue, isDead } from './channelOrder';
import { BUTTON, fitBox, slotX, type RowLayout } from './rowLayout';

export interface TopkView {
  run: TopkFindResult;
  /** Display position → channel. */
  order: Int32Array;
  actmax: Map<number, TopkActmaxImage>;
  /** The model the rows were found for: a row's unit page is that model's. */
  modelPath?: string;
}

/** What the empty actmax tile says: clicking it runs activation maximization of that channel. */
export const RUN_ACTMAX_LABEL = 'run actmax';

const OUTLINE = '#ffd600';
/** Canvases kept: enough for a few screens of rows; older ones are made again when scrolled back to. */
const CACHE_LIMIT = 2048;

export class PictureCache {
  private readonly canvases = new Map<string, HTMLCanvasElement>();

  clear(): void {
    this.canvases.clear();
  }

  thumb(run: TopkFindResult, index: number): HTMLCanvasElement {
    const p = run.pictures;
    const size = p.thumbWidth * p.thumbHeight * 4;
    return this.get(`t${index}`, p.thumbWidth, p.thumbHeight, () => p.thumbs.subarray(index * size, (index + 1) * size));
  }

  crop(run: TopkFindResult, slot: number): HTMLCanvasElement | undefined {
    const c = run.pictures.crops;
    if (!c) return undefined;
    const side = c.side;
    return this.get(`c${slot}`, side, side, () => c.rgba.subarray(slot * side * side * 4, (slot + 1) * side * side * 4));
  }

  actmax(image: TopkActmaxImage): HTMLCanvasElement {
    return this.get(`a${image.channel}`, image.width, image.height, () => image.rgba);
  }

  private get(key: string, width: number, height: number, pixels: () => Uint8ClampedArray): HTMLCanvasElement {
    const hit = this.canvases.get(key);
    if (hit) return hit;
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    // ImageData wants its own ArrayBuffer-backed array: copy the slice.
    c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels()), width, height), 0, 0);
    if (this.canvases.size >= CACHE_LIMIT) this.canvases.delete(this.canvases.keys().next().value as string);
    this.canvases.set(key, c);
    return c;
  }
}

/** Draws rows [first, last) with row `first` at y = first·rowHeight − offsetY. Returns how many rows it drew. */
export function drawRows(ctx: CanvasRenderingContext2D, view: TopkView, l: RowLayout, first: number, last: number, offsetY: number, pics: PictureCache): number {
  const { run } = view;
  const { result, pictures } = run;
  const [inH, inW] = result.input;
  const sx = pictures.thumbWidth / inW;
  const sy = pictures.thumbHeight / inH;
  const style = getComputedStyle(document.body);
  const fg = style.getPropertyValue('--vscode-foreground').trim() || '#ccc';
  const tileColours = emptyColours(style);
  const warn = style.getPropertyValue('--vscode-editorWarning-foreground').trim() || '#cca700';
  ctx.imageSmoothingEnabled = false;
  ctx.font = `12px ${style.getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;
  ctx.textBaseline = 'top';
  let drawn = 0;
  for (let row = first; row < last; row++) {
    const channel = view.order[row];
    if (channel === undefined) break;
    const y = row * l.rowHeight - offsetY;
    const entries = result.top[channel] ?? [];
    const dead = isDead(entries);
    ctx.fillStyle = fg;
    ctx.fillText(`#${channel}`, 2, y + 2);
    ctx.globalAlpha = 0.7;
    if (entries[0]) ctx.fillText(formatValue(entries[0].value), 2, y + 18);
    ctx.globalAlpha = 1;
    if (dead) {
      ctx.fillStyle = warn;
      ctx.fillText('dead', 2, y + 34);
    }
    const am = view.actmax.get(channel);
    if (l.actmax) {
      const x = slotX(l, 'actmax');
      if (am) {
        const f = fitBox(am.width, am.height, l.tile);
        ctx.drawImage(pics.actmax(am), x + f.dx, y + f.dy, f.w, f.h);
      } else {
        runActmaxButton(ctx, x, y, l.tile, fg, tileColours);
      }
    }
    if (dead) {
      // No "top" images: every image ties at nothing, so the row says so instead of showing k arbitrary files.
      ctx.fillStyle = fg;
      ctx.globalAlpha = 0.7;
      const best = entries[0] ? `max activation ${formatValue(entries[0].value)}` : 'no image scored';
      ctx.fillText(`dead channel: ${best} over all ${result.imageCount} images`, slotX(l, 'thumb', 0) + 4, y + Math.max(2, l.tile / 2 - 6));
      ctx.globalAlpha = 1;
      drawn++;
      continue;
    }
    for (let rank = 0; rank < l.k; rank++) {
      const slot = channel * result.k + rank;
      const entry = entries[rank];
      const index = pictures.thumbIndex[slot] ?? -1;
      const tx = slotX(l, 'thumb', rank);
      const cx = slotX(l, 'crop', rank);
      if (!entry || index < 0) {
        empty(ctx, tx, y, l.tile, tileColours);
        empty(ctx, cx, y, l.tile, tileColours);
        continue;
      }
      const thumb = pics.thumb(run, index);
      const f = fitBox(pictures.thumbWidth, pictures.thumbHeight, l.tile);
      ctx.fillStyle = '#000';
      ctx.fillRect(tx, y, l.tile, l.tile);
      ctx.drawImage(thumb, tx + f.dx, y + f.dy, f.w, f.h);
      // The unit's field on the image, in tile pixels.
      const k = f.scale;
      ctx.strokeStyle = OUTLINE;
      ctx.lineWidth = 1;
      ctx.strokeRect(tx + f.dx + entry.box.x * sx * k + 0.5, y + f.dy + entry.box.y * sy * k + 0.5, Math.max(1, entry.box.width * sx * k - 1), Math.max(1, entry.box.height * sy * k - 1));
      ctx.fillStyle = '#000';
      ctx.fillRect(cx, y, l.tile, l.tile);
      const crop = pics.crop(run, slot);
      if (crop && pictures.crops) {
        const cw = pictures.crops.cropSize[slot * 2] ?? 0;
        const ch = pictures.crops.cropSize[slot * 2 + 1] ?? 0;
        if (cw > 0 && ch > 0) {
          const g = fitBox(cw, ch, l.tile);
          ctx.drawImage(crop, 0, 0, cw, ch, cx + g.dx, y + g.dy, g.w, g.h);
        }
      } else {
        const g = fitBox(entry.box.width, entry.box.height, l.tile);
        ctx.drawImage(thumb, entry.box.x * sx, entry.box.y * sy, entry.box.width * sx, entry.box.height * sy, cx + g.dx, y + g.dy, g.w, g.h);
      }
      button(ctx, tx + l.tile - BUTTON, y);
      button(ctx, cx + l.tile - BUTTON, y);
    }
    drawn++;
  }
  return drawn;
}

/** The empty actmax tile: a framed button with a play mark and "run actmax", drawn in the theme's colours. */
function runActmaxButton(ctx: CanvasRenderingContext2D, x: number, y: number, tile: number, fg: string, colours: EmptyColours): void {
  empty(ctx, x, y, tile, colours);
  ctx.strokeStyle = fg;
  ctx.globalAlpha = 0.6;
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + 0.5, tile - 1, tile - 1);
  const s = Math.max(6, Math.round(tile / 6));
  const cx = x + tile / 2;
  const cy = y + tile / 2 - (tile >= 48 ? 6 : 0);
  ctx.fillStyle = fg;
  ctx.beginPath();
  ctx.moveTo(cx - s / 2, cy - s / 2);
  ctx.lineTo(cx + s / 2, cy);
  ctx.lineTo(cx - s / 2, cy + s / 2);
  ctx.closePath();
  ctx.fill();
  if (tile >= 48) {
    const saved = ctx.font;
    ctx.font = saved.replace(/^\d+px/, '10px');
    ctx.textAlign = 'center';
    ctx.fillText(RUN_ACTMAX_LABEL, cx, cy + s / 2 + 4, tile - 4);
    ctx.textAlign = 'start';
    ctx.font = saved;
  }
  ctx.globalAlpha = 1;
}

interface EmptyColours {
  background: string;
  foreground: string;
}

function emptyColours(style: CSSStyleDeclaration): EmptyColours {
  return {
    background: style.getPropertyValue('--vscode-editor-background').trim() || '#1e1e1e',
    foreground: style.getPropertyValue('--vscode-foreground').trim() || '#ccc',
  };
}

/**
 * An empty slot: a faint square of the theme's foreground over its background, opaque (so Export PNG and the
 * snapshots see one colour); a fixed dark grey hid the run mark drawn on it in a light theme.
 */
function empty(ctx: CanvasRenderingContext2D, x: number, y: number, tile: number, colours: EmptyColours): void {
  const alpha = ctx.globalAlpha;
  ctx.globalAlpha = 1;
  ctx.fillStyle = colours.background;
  ctx.fillRect(x, y, tile, tile);
  ctx.globalAlpha = 0.12;
  ctx.fillStyle = colours.foreground;
  ctx.fillRect(x, y, tile, tile);
  ctx.globalAlpha = alpha;
}

/** The colour of an empty slot in the current theme as 0xRRGGBB (snapshots name it, so tests find empty tiles). */
export function emptyTileColour(): number {
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const ctx = c.getContext('2d')!;
  empty(ctx, 0, 0, 1, emptyColours(getComputedStyle(document.body)));
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return (r! << 16) | (g! << 8) | b!;
}

/** The "show feature maps" button: a small dark square with a 2 × 2 grid of cells. */
function button(ctx: CanvasRenderingContext2D, x: number, y: number): void {
  ctx.fillStyle = 'rgba(0, 0, 0, 0.65)';
  ctx.fillRect(x, y, BUTTON, BUTTON);
  ctx.fillStyle = '#e0e0e0';
  for (const [dx, dy] of [[3, 3], [8, 3], [3, 8], [8, 8]] as const) ctx.fillRect(x + dx, y + dy, 3, 3);
}
