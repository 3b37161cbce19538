// The Top Images panel: per channel of a layer, the k images of a folder that activate it most (as the model
// sees them, the unit's field outlined) and their crops, beside the channel's actmax picture when there is one.
// Rows are virtualized (only visible rows are drawn). Hover names file and value; click opens the file; the small
// button on a tile opens Feature Maps of that image. State is saved with setState so a window reload restores it.
import type { TopkActmaxImage, TopkFindResult, TopkFromWebview, TopkPanelState, TopkSort } from '../../../src/shared/topkProtocol';
import { canvasPng, canvasRgba } from '../lib/canvasExport';
import { button, select, setSelected } from '../lib/controls';
import { connectToHost } from '../lib/hostBridge';
import { routeHostMessages, showBackend } from '../lib/hostMessages';
import { mountGridPanel } from '../lib/gridPanelShell';
import { channelOrder, describeEntry } from '../topk/channelOrder';
import { drawRows, PictureCache, type TopkView } from '../topk/drawRows';
import { asClamped, normalizeRun } from '../topk/payload';
import { hitTest, layoutRows, tileSide, visibleRows, type Hit, type RowLayout } from '../topk/rowLayout';
import '../lib/panel.css';
import '../topk/topk.css';

const host = connectToHost<TopkFromWebview, TopkPanelState>();
let state: TopkPanelState | undefined = host.savedState();
let view: TopkView | undefined;
let layout: RowLayout | undefined;
let zoom = 1;
let rowsDrawn = 0;
let firstDrawn = 0;
const pics = new PictureCache();

/** Only the rows in view: a 512-channel layer costs what fits on the screen. */
const { status, scroller, canvas, hover, grid } = mountGridPanel({
  hoverHint: 'Hover an image for its file and value; click it to open the file; the small button shows its feature maps.',
  above: '<div id="summary" class="tk-legend"></div>',
  canvasClass: 'tk-canvas',
  paint: (ctx, vp) => {
    if (!view || !layout) return;
    const { first, last } = visibleRows(layout, vp.top, vp.height);
    firstDrawn = first;
    rowsDrawn = drawRows(ctx, view, layout, first, last, vp.top, pics);
  },
});
const summary = document.getElementById('summary')!;

const sortSelect = select('sort', 'Sort channels', [
  { value: 'index', label: 'By index' },
  { value: 'top', label: 'By top value' },
], state?.sort ?? 'index', (v) => setSort(v as TopkSort));
document.getElementById('toolbar')!.append(
  sortSelect,
  button('zoomOut', '−', () => setZoom(zoom / 1.25), true),
  button('zoomIn', '+', () => setZoom(zoom * 1.25), true),
  button('pickFolder', 'Choose Folder…', () => host.post({ type: 'pickFolder' }), true),
  button('export', 'Export PNG', () => void exportPng()),
);

function renderCrumbs(): void {
  if (!state) return;
  const folder = state.folder.split(/[\\/]/).filter(Boolean).pop() ?? state.folder;
  document.getElementById('crumbs')!.textContent = `${state.modelName} › ${state.layerId || '…'} › ${folder}`;
}

function setSort(sort: TopkSort): void {
  if (state) {
    state = { ...state, sort };
    host.saveState(state);
  }
  host.post({ type: 'setSort', sort });
  if (view) view = { ...view, order: channelOrder(view.run.result.top, sort) };
  relayout();
}

function setZoom(z: number): void {
  zoom = Math.max(0.4, Math.min(4, z));
  relayout();
}

function relayout(): void {
  if (!view) {
    layout = undefined;
    draw();
    return;
  }
  const { result } = view.run;
  layout = layoutRows(result.channels, result.k, tileSide(Math.max(...result.input), zoom), view.actmax.size > 0);
  grid.resize(layout.width, layout.height);
}

function draw(): void {
  if (view && layout) {
    grid.draw();
    return;
  }
  grid.clear();
  rowsDrawn = 0;
}

function hitAt(e: MouseEvent): (Hit & { channel: number }) | undefined {
  if (!view || !layout) return undefined;
  const point = grid.pointAt(e);
  const hit = hitTest(layout, point.x, point.y);
  const channel = hit ? view.order[hit.row] : undefined;
  return hit && channel !== undefined ? { ...hit, channel } : undefined;
}

function entryOf(hit: Hit & { channel: number }) {
  return hit.kind === 'actmax' ? undefined : view?.run.result.top[hit.channel]?.[hit.rank];
}

canvas.addEventListener('mousemove', (e) => {
  const hit = hitAt(e);
  if (!hit || !view) {
    hover.textContent = ' ';
    canvas.title = '';
    return;
  }
  const entry = entryOf(hit);
  if (hit.kind === 'actmax') hover.textContent = `channel ${hit.channel} · activation maximization`;
  else if (entry) hover.textContent = describeEntry(hit.channel, hit.rank, entry, view.run.folder, hit.kind === 'crop' ? 'crop' : 'image') + (hit.onButton ? ' · show its feature maps' : '');
  else hover.textContent = `channel ${hit.channel} · no image`;
  canvas.title = entry ? entry.file : '';
});
canvas.addEventListener('click', (e) => {
  const hit = hitAt(e);
  const entry = hit ? entryOf(hit) : undefined;
  if (!hit || !entry) return;
  // The small button (or Alt+click): feature maps of this image; a plain click opens the file.
  if (hit.onButton || e.altKey) host.post({ type: 'showFeatureMaps', file: entry.file });
  else host.post({ type: 'openFile', file: entry.file });
});
new ResizeObserver(() => relayout()).observe(scroller);

/** Every row (up to maxHeight pixels) in a fresh canvas, for Export PNG. */
function fullCanvas(maxHeight: number): HTMLCanvasElement | undefined {
  if (!view || !layout) return undefined;
  const rows = Math.min(layout.rows, Math.max(1, Math.floor((maxHeight + layout.gap) / layout.rowHeight)));
  const c = document.createElement('canvas');
  c.width = layout.width;
  c.height = rows * layout.rowHeight - layout.gap;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || '#1e1e1e';
  ctx.fillRect(0, 0, c.width, c.height);
  drawRows(ctx, view, layout, 0, rows, 0, pics);
  return c;
}

async function exportPng(): Promise<void> {
  const c = fullCanvas(16384);
  if (!c || !state) return;
  host.post({ type: 'exportPng', png: await canvasPng(c), suggestedName: `${state.modelName}-${state.layerId}-top${state.k}.png` });
}

function snapshot(requestId: number): void {
  const meta: Record<string, number | string> = view && layout && state
    ? {
      layerId: view.run.result.layerId, channels: view.run.result.channels, k: view.run.result.k, rowsDrawn, firstRow: firstDrawn,
      rows: layout.rows, tile: layout.tile, rowHeight: layout.rowHeight, labelWidth: layout.labelWidth, gap: layout.gap, split: layout.split,
      actmaxColumn: layout.actmax ? 1 : 0, sort: state.sort, order: Array.from(view.order.subarray(0, 16)).join(','),
      images: view.run.result.imageCount, skipped: view.run.result.skipped.length, fromCache: view.run.result.fromCache ? 1 : 0,
      thumbWidth: view.run.pictures.thumbWidth, thumbHeight: view.run.pictures.thumbHeight, crops: view.run.pictures.crops ? 1 : 0,
    }
    : {};
  host.post({ type: 'snapshot', requestId, width: canvas.width, height: canvas.height, rgba: canvasRgba(canvas), meta });
}

function onResult(run: TopkFindResult): void {
  pics.clear();
  status.clear();
  const r = run.result;
  view = { run, order: channelOrder(r.top, state?.sort ?? 'index'), actmax: new Map() };
  const skipped = r.skipped.length ? `, ${r.skipped.length} skipped` : '';
  const cached = r.fromCache ? ' (from the cache)' : ` in ${(r.ms / 1000).toFixed(1)} s`;
  const field = r.receptiveField.size.map((s) => s ?? 'whole image').join('×');
  summary.textContent = `${r.imageCount} images${skipped}${cached} · ${r.channels} channels · top ${r.k} · unit field ${field} px of ${r.input[0]}×${r.input[1]}`;
  scroller.scrollTop = 0;
  relayout();
}

function onActmax(images: TopkActmaxImage[]): void {
  if (!view) return;
  for (const img of images) {
    const rgba = asClamped(img.rgba);
    if (rgba && typeof img.channel === 'number' && rgba.length === img.width * img.height * 4) view.actmax.set(img.channel, { ...img, rgba });
  }
  relayout();
}

routeHostMessages(host, status, {
  init: (msg) => {
    const next = msg.state as TopkPanelState;
    const changed = !state || next.layerId !== state.layerId || next.folder !== state.folder || next.modelPath !== state.modelPath || next.k !== state.k;
    state = next;
    host.saveState(state);
    setSelected(sortSelect, state.sort);
    showBackend(msg);
    renderCrumbs();
    if (changed) {
      view = undefined;
      summary.textContent = '';
      relayout();
    }
  },
  result: (msg) => {
    const run = normalizeRun(msg.result);
    if (!run) {
      status.error('The result from the engine was incomplete; run "Find Top Images…" again.');
      return;
    }
    onResult(run);
  },
  actmax: (msg) => {
    if (Array.isArray(msg.images)) onActmax(msg.images as TopkActmaxImage[]);
  },
  info: (msg) => status.info(msg.message as string),
  requestSnapshot: (msg) => snapshot(msg.requestId as number),
});

if (state) renderCrumbs();
host.post({ type: 'ready' });
