// The Top Images panel: per channel of a layer, the k images of a folder that activate it most (as the model
// sees them, the unit's field outlined) and their crops, beside the channel's actmax picture when there is one.
// Rows are virtualized (only visible rows are drawn). Hover names file and value; click opens the file; the small
// button on a tile opens Feature Maps of that image. State is saved with setState so a window reload restores it.
import type { TopkActmaxImage, TopkFindResult, TopkFromWebview, TopkPanelState, TopkSort, TopkTestAction } from '../../../src/shared/topkProtocol';
import { canvasPng, canvasRgba } from '../lib/canvasExport';
import { button, select, setSelected } from '../lib/controls';
import { connectToHost } from '../lib/hostBridge';
import { routeHostMessages, showBackend } from '../lib/hostMessages';
import { mountGridPanel } from '../lib/gridPanelShell';
import { channelOrder, deadCount, describeDead, describeEntry, isDead } from '../topk/channelOrder';
import { drawRows, PictureCache, type TopkView } from '../topk/drawRows';
import { asClamped, normalizeRun } from '../topk/payload';
import { fittedTile, hitTest, layoutRows, slotX, visibleRows, type Hit, type RowLayout } from '../topk/rowLayout';
import '../lib/panel.css';
import '../topk/topk.css';

const host = connectToHost<TopkFromWebview, TopkPanelState>();
let state: TopkPanelState | undefined = host.savedState();
let view: TopkView | undefined;
let layout: RowLayout | undefined;
let zoom = 1;
let rowsDrawn = 0;
let firstDrawn = 0;
/** Where the mouse last was over the grid (client coordinates): scrolling moves the grid under it. */
let pointer: { clientX: number; clientY: number } | undefined;
const pics = new PictureCache();

/** Only the rows in view: a 512-channel layer costs what fits on the screen. */
const { status, scroller, canvas, hover, grid } = mountGridPanel({
  hoverHint: 'Hover an image for its file and value; click it to open the file; the small button shows its feature maps.',
  above: '<div id="summary" class="tk-legend"></div><div id="columns" class="tk-columns"></div>',
  canvasClass: 'tk-canvas',
  paint: (ctx, vp) => {
    if (!view || !layout) return;
    const { first, last } = visibleRows(layout, vp.top, vp.height);
    firstDrawn = first;
    rowsDrawn = drawRows(ctx, view, layout, first, last, vp.top, pics);
  },
});
const summary = document.getElementById('summary')!;
const columns = document.getElementById('columns')!;

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
  // The actmax column is always there: labelled, and an empty tile offers to run it. Tiles shrink so that a row
  // fits the panel's width; past MIN_TILE (or zoomed in) the grid scrolls sideways.
  const tile = fittedTile(Math.max(...result.input), result.k, scroller.clientWidth - 4, zoom);
  layout = layoutRows(result.channels, result.k, tile, true);
  renderColumns(layout);
  grid.resize(layout.width, layout.height);
  refreshHover();
}

/** The column headings above the grid, at the columns' x (they scroll sideways with it). */
function renderColumns(l: RowLayout): void {
  const heading = (text: string, x: number, width: number): HTMLSpanElement => {
    const span = document.createElement('span');
    span.textContent = text;
    span.style.left = `${x}px`;
    span.style.width = `${width}px`;
    return span;
  };
  const group = l.k * l.tile + (l.k - 1) * l.gap;
  columns.replaceChildren(
    heading('actmax', slotX(l, 'actmax'), l.tile),
    heading(`top ${l.k} images (as the model sees them)`, slotX(l, 'thumb', 0), group),
    heading('crops around the strongest position', slotX(l, 'crop', 0), group),
  );
  columns.style.width = `${l.width}px`;
  columns.style.transform = `translateX(${-scroller.scrollLeft}px)`;
}

function draw(): void {
  if (view && layout) {
    grid.draw();
    return;
  }
  grid.clear();
  rowsDrawn = 0;
}

function hitAt(e: { clientX: number; clientY: number }): (Hit & { channel: number }) | undefined {
  if (!view || !layout) return undefined;
  // From the scroller's box, not the canvas's: during a scroll the canvas has not moved to the new place yet.
  const box = scroller.getBoundingClientRect();
  const point = { x: e.clientX - box.left - scroller.clientLeft + scroller.scrollLeft, y: e.clientY - box.top - scroller.clientTop + scroller.scrollTop };
  const hit = hitTest(layout, point.x, point.y);
  const channel = hit ? view.order[hit.row] : undefined;
  return hit && channel !== undefined ? { ...hit, channel } : undefined;
}

function entryOf(hit: Hit & { channel: number }) {
  return hit.kind === 'actmax' ? undefined : view?.run.result.top[hit.channel]?.[hit.rank];
}

/** The hover line for what is under the pointer now (after a move, a scroll or a new layout). */
function refreshHover(): void {
  const hit = pointer ? hitAt(pointer) : undefined;
  if (!hit || !view) {
    hover.textContent = ' ';
    canvas.title = '';
    return;
  }
  const entry = entryOf(hit);
  const entries = view.run.result.top[hit.channel];
  if (hit.kind === 'actmax') hover.textContent = view.actmax.has(hit.channel) ? `channel ${hit.channel} · activation maximization` : `channel ${hit.channel} · no actmax picture yet: click to run activation maximization`;
  else if (isDead(entries)) hover.textContent = describeDead(hit.channel, entries, view.run.result.imageCount);
  else if (entry) hover.textContent = describeEntry(hit.channel, hit.rank, entry, view.run.folder, hit.kind === 'crop' ? 'crop' : 'image') + (hit.onButton ? ' · show its feature maps' : '');
  else hover.textContent = `channel ${hit.channel} · no image`;
  canvas.title = entry ? entry.file : '';
}

canvas.addEventListener('mousemove', (e) => {
  pointer = { clientX: e.clientX, clientY: e.clientY };
  refreshHover();
});
canvas.addEventListener('mouseleave', () => {
  pointer = undefined;
  refreshHover();
});
scroller.addEventListener('scroll', () => {
  if (layout) columns.style.transform = `translateX(${-scroller.scrollLeft}px)`;
  refreshHover();
});
canvas.addEventListener('click', (e) => {
  const hit = hitAt(e);
  if (hit?.kind === 'actmax' && !view?.actmax.has(hit.channel)) {
    host.post({ type: 'runActmax', channel: hit.channel });
    return;
  }
  const entry = hit ? entryOf(hit) : undefined;
  if (!hit || !entry || isDead(view?.run.result.top[hit.channel])) return;
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
      actmaxColumn: layout.actmax ? 1 : 0, actmaxPictures: view.actmax.size, sort: state.sort,
      dead: deadCount(view.run.result.top), layoutWidth: layout.width, viewWidth: scroller.clientWidth,
      columns: Array.from(columns.children, (c) => `${c.textContent}@${(c as HTMLElement).style.left}`).join('|'),
      hover: hover.textContent ?? '', scrollTop: scroller.scrollTop, order: Array.from(view.order.subarray(0, 16)).join(','),
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
  const dead = deadCount(r.top);
  const deadNote = dead ? ` · ${dead} dead (max 0 over the folder, listed last)` : '';
  summary.textContent = `${r.imageCount} images${skipped}${cached} · ${r.channels} channels${deadNote} · top ${r.k} · unit field ${field} px of ${r.input[0]}×${r.input[1]}`;
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

/** What the tests do as a user would: events at the tile's centre, in client coordinates. */
function testAction(action: TopkTestAction): void {
  if (!layout) return;
  const box = scroller.getBoundingClientRect();
  const at = (kind: 'thumb' | 'actmax', row: number): { clientX: number; clientY: number } => ({
    clientX: box.left + scroller.clientLeft - scroller.scrollLeft + slotX(layout!, kind, 0) + layout!.tile / 2,
    clientY: box.top + scroller.clientTop - scroller.scrollTop + row * layout!.rowHeight + layout!.tile / 2,
  });
  if (action.kind === 'hoverThumb') canvas.dispatchEvent(new MouseEvent('mousemove', at('thumb', action.row)));
  else if (action.kind === 'clickActmax') canvas.dispatchEvent(new MouseEvent('click', at('actmax', action.row)));
  else scroller.scrollTop += action.rows * layout.rowHeight;
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
  testAction: (msg) => testAction(msg.action as TopkTestAction),
  requestSnapshot: (msg) => snapshot(msg.requestId as number),
});

if (state) renderCrumbs();
host.post({ type: 'ready' });
