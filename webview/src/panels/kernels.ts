// The kernels panel: a virtualized grid of a conv layer's filters with hover stats, click-to-zoom, sorting and
// export. State (layer, mode, normalization, sort) is saved with setState so a window reload restores it.
import type { KernelMode, KernelNormalization, KernelsResult } from '../../../src/shared/kernelsProtocol';
import type { ConvLayerChoice, KernelsFromWebview, KernelsPanelState, KernelsToWebview } from '../../../src/shared/protocol/webviewProtocol';
import { drawRows } from '../kernels/drawTiles';
import { hitTest, layoutGrid, type GridLayout } from '../kernels/gridLayout';
import { canvasPng } from '../lib/canvasExport';
import { button, checkbox, select, setChoices, setSelected, symbolButton } from '../lib/controls';
import { mountPanel } from '../lib/mountPanel';
import { cellCentre, doubleClickPicturePoint, onUnitDoubleClick, UNIT_PAGE_HINT } from '../lib/unitTiles';
import { ColorBar } from '../lib/colorBar';
import { GridTiles } from '../lib/gridTiles';
import { kernelsBar } from '../lib/colorBarSpecs';
import '../lib/panel.css';
import '../kernels/kernels.css';

let layers: ConvLayerChoice[] = [];
let result: KernelsResult | undefined;
/** The model `result` was computed for (the panel's state may already name the next one). */
let resultModel: string | undefined;
let layout: GridLayout | undefined;
let zoom = 1;

const HOVER_HINT = `Hover a filter for its numbers; click it to zoom; ${UNIT_PAGE_HINT}.`;
const panel = mountPanel<KernelsFromWebview, KernelsToWebview, KernelsPanelState>({
  crumbs: (s) => `${s.modelName} › ${s.layerId}`,
  grid: {
    hoverHint: HOVER_HINT,
    side: '<aside id="detail" class="detail" hidden></aside>',
    paint: (ctx, view) => {
      if (!result || !layout) return;
      const rowHeight = layout.cellHeight + layout.gap;
      drawRows(ctx, result, layout, Math.floor(view.top / rowHeight), Math.ceil((view.top + view.height) / rowHeight), view.top);
    },
  },
});
const { host, status } = panel;
const { scroller, canvas, hover, grid } = panel.shell;
const detail = document.getElementById('detail')!;

// The keyboard's way over the filters: Enter or Space zooms the cell's filter (a click), Shift+Enter opens its
// unit page (a double-click). Cells are in view order; with a row per filter, a cell is one input channel of it.
const filterTiles = new GridTiles(scroller, 'kernelTiles', (position, alternate) => {
  const cell = cellAt(position);
  if (!cell || !result) return;
  if (alternate) host.post({ type: 'openUnit', layerId: result.layerId, unit: cell.filter, modelPath: resultModel });
  else showDetail(cell.filter, cell.tile);
}, (position) => {
  const cell = cellAt(position);
  if (!cell || !result || !panel.state) return;
  hover.textContent = describe(cell.filter, cell.tile);
  colorBar.show(kernelsBar(result, panel.state.normalize, cell.filter));
});

const layerSelect = select('layer', 'Layer', [], '', (v) => update({ layerId: v }));
const modeSelect = select('mode', 'Show', [
  { value: 'auto', label: 'Auto' },
  { value: 'rgb', label: 'RGB tiles' },
  { value: 'perChannel', label: 'Row per input channel' },
  { value: 'mean', label: 'Mean over input channels' },
], 'auto', (v) => update({ mode: v as KernelMode }));
const normSelect = select('normalize', 'Normalize', [
  { value: 'filter', label: 'Per filter' },
  { value: 'layer', label: 'Per layer' },
], 'filter', (v) => update({ normalize: v as KernelNormalization }));
const sortBox = checkbox('sort', 'Sort by L2 norm', false, (v) => {
  if (panel.state) update({ sortByL2: v }, false);
  relayout();
});
document.getElementById('toolbar')!.append(
  layerSelect, modeSelect, normSelect, sortBox,
  symbolButton('zoomOut', '−', 'Zoom out', () => setZoom(zoom / 1.5)),
  symbolButton('zoomIn', '+', 'Zoom in', () => setZoom(zoom * 1.5)),
  button('export', 'Export PNG', () => void exportPng()),
);
// Escape in the grid closes the zoomed filter, as its Close button does.
filterTiles.grid.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') detail.hidden = true;
});
const colorBar = new ColorBar();
document.getElementById('toolbar')!.append(colorBar.element);

function update(patch: Partial<KernelsPanelState>, recompute = true): void {
  if (!panel.state) return;
  const state = { ...panel.state, ...patch };
  panel.setState(state);
  if (recompute) host.post({ type: 'setOptions', layerId: state.layerId, mode: state.mode, normalize: state.normalize, sortByL2: state.sortByL2 });
}

function setZoom(z: number): void {
  zoom = Math.max(0.25, Math.min(8, z));
  relayout();
}

function relayout(): void {
  const state = panel.state;
  if (!result || !state) return;
  layout = layoutGrid(result, scroller.clientWidth - 16, state.sortByL2, zoom);
  colorBar.show(kernelsBar(result, state.normalize));
  grid.resize(layout.width, layout.height);
  const l = layout;
  const r = result;
  filterTiles.show({
    label: `${r.layerId}: ${l.filterOrder.length} filters${r.tilesPerFilter > 1 ? `, a row of ${r.tilesPerFilter} input channels each` : ''}. Enter zooms a filter, Shift+Enter opens its unit page`,
    count: r.tilesPerFilter > 1 ? l.filterOrder.length * r.tilesPerFilter : l.filterOrder.length,
    cols: l.cols,
    rowPitch: l.cellHeight + l.gap,
    rect: (p) => ({ x: (p % l.cols) * (l.cellWidth + l.gap), y: Math.floor(p / l.cols) * (l.cellHeight + l.gap), width: l.cellWidth, height: l.cellHeight }),
    name: (p) => {
      const cell = cellAt(p);
      return cell ? `${r.layerId} filter ${cell.filter}${r.tilesPerFilter > 1 ? `, input channel ${cell.tile}` : ''}` : '';
    },
  });
}

/** The filter (and its input channel's tile) at a cell position in view order. */
function cellAt(position: number): { filter: number; tile: number } | undefined {
  if (!result || !layout) return undefined;
  const perChannel = result.tilesPerFilter > 1;
  const filter = layout.filterOrder[perChannel ? Math.floor(position / layout.cols) : position];
  return filter === undefined ? undefined : { filter, tile: perChannel ? position % layout.cols : 0 };
}

function filterAt(e: MouseEvent): { filter: number; tile: number } | undefined {
  if (!result || !layout) return undefined;
  const p = grid.pointAt(e);
  return hitTest(layout, result, p.x, p.y);
}

function describe(filter: number, tile: number): string {
  const r = result!;
  const s = r.stats;
  const channel = r.tilesPerFilter > 1 ? `, input channel ${tile}` : '';
  return `filter ${filter}${channel} — min ${s.min[filter].toFixed(4)}, max ${s.max[filter].toFixed(4)}, mean ${s.mean[filter].toFixed(4)}, L2 ${s.l2[filter].toFixed(4)}`;
}

canvas.addEventListener('mousemove', (e) => {
  const hit = filterAt(e);
  hover.textContent = hit ? describe(hit.filter, hit.tile) : ' ';
  if (result && panel.state) colorBar.show(kernelsBar(result, panel.state.normalize, hit?.filter));
});
onUnitDoubleClick(canvas, (e) => {
  const hit = filterAt(e);
  return hit && result ? { layerId: result.layerId, unit: hit.filter } : undefined;
}, (unit) => host.post({ type: 'openUnit', ...unit, modelPath: resultModel }));
canvas.addEventListener('click', (e) => {
  const hit = filterAt(e);
  if (!hit || !layout || !result) return;
  // The clicked filter becomes the one Tab returns to.
  const row = layout.filterOrder.indexOf(hit.filter);
  filterTiles.roving.setCurrent(result.tilesPerFilter > 1 ? row * layout.cols + hit.tile : row);
  showDetail(hit.filter, hit.tile);
});
new ResizeObserver(() => relayout()).observe(scroller);

function showDetail(filter: number, tile: number): void {
  const r = result!;
  const big = document.createElement('canvas');
  const scale = Math.max(1, Math.floor(192 / Math.max(r.tileWidth, r.tileHeight)));
  big.width = r.tileWidth * scale;
  big.height = r.tileHeight * scale;
  const one = { ...r, count: 1, tilesPerFilter: 1, orderByL2: Int32Array.of(0) };
  const start = (filter * r.tilesPerFilter + tile) * r.tileWidth * r.tileHeight * 4;
  one.tiles = r.tiles.subarray(start, start + r.tileWidth * r.tileHeight * 4);
  const l = layoutGrid(one, big.width, false, (scale * Math.max(r.tileWidth, r.tileHeight)) / 64);
  drawRows(big.getContext('2d')!, one, l, 0, 1, 0, false);
  const text = document.createElement('p');
  text.textContent = describe(filter, tile);
  const close = button('closeDetail', 'Close', () => (detail.hidden = true), true);
  detail.replaceChildren(big, text, close);
  detail.hidden = false;
}

/** Renders the whole grid (not only the visible rows) into a fresh canvas. */
function fullCanvas(): HTMLCanvasElement | undefined {
  if (!result || !layout) return undefined;
  const c = document.createElement('canvas');
  c.width = layout.width;
  c.height = Math.min(layout.height, 16384);
  drawRows(c.getContext('2d')!, result, layout, 0, layout.rows, 0);
  return c;
}

async function exportPng(): Promise<void> {
  const c = fullCanvas();
  const state = panel.state;
  if (!c || !state) return;
  host.post({ type: 'exportPng', png: await canvasPng(c), suggestedName: `${state.modelName}-${state.layerId}-kernels.png` });
}

/** The filter tile at `index` in view order (a filter's row in perChannel mode): double-clicked at its centre. */
function openUnitAt(index: number): void {
  if (!result || !layout) return;
  const filters = layout.filterOrder.length;
  if (index < 0 || index >= filters) return;
  const at = result.tilesPerFilter > 1 ? cellCentre(layout, index * layout.cols) : cellCentre(layout, index);
  doubleClickPicturePoint(canvas, scroller.scrollTop, at.x, at.y);
}

panel.start({
  init: (msg) => {
    layers = msg.layers;
    setChoices(layerSelect.querySelector('vscode-single-select')!, layers.map((l) => ({ value: l.id, label: `${l.label} (${l.kernelText})` })), msg.state.layerId);
    setSelected(modeSelect, msg.state.mode);
    setSelected(normSelect, msg.state.normalize);
    (sortBox as HTMLElement & { checked: boolean }).checked = msg.state.sortByL2;
  },
  snapshot: () => {
    const c = fullCanvas() ?? canvas;
    const meta: Record<string, number | string> = layout && result
      ? { tileWidth: result.tileWidth, tileHeight: result.tileHeight, scale: layout.scale, count: result.count, cols: layout.cols, gap: layout.gap, tilesPerFilter: result.tilesPerFilter, mode: result.mode, layerId: result.layerId }
      : {};
    Object.assign(meta, filterTiles.meta());
    meta.hover = hover.textContent ?? '';
    // The status line as shown (loading, error), so a test sees what the user reads beside the grid.
    meta.status = document.getElementById('status')?.hidden ? '' : (document.getElementById('status')?.textContent ?? '').trim();
    meta.colorBar = colorBar.text();
    meta.background = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim();
    return { canvas: c, meta };
  },
  openUnit: openUnitAt,
  messages: {
    kernels: (msg) => {
      result = msg.result;
      // The host sends another model's state first and its kernels after: until they come, the grid is this model's.
      resultModel = panel.state?.modelPath;
      // The hover line and the zoomed filter describe the previous result (often another layer): the mouse has
      // not moved over the new grid yet, so they go until it does.
      hover.textContent = HOVER_HINT;
      detail.hidden = true;
      status.clear();
      relayout();
    },
    hoverFirstCell: () => {
      if (!layout) return;
      // The inverse of grid.pointAt, so that the event lands on the picture point (cell centre).
      const rect = canvas.getBoundingClientRect();
      const clientX = rect.left + layout.cellWidth / 2;
      const clientY = rect.top + layout.cellHeight / 2 - scroller.scrollTop;
      canvas.dispatchEvent(new MouseEvent('mousemove', { clientX, clientY }));
    },
  },
});
