// The Top Images panel: per channel of a layer, the k images of a folder that activate it most (as the model
// sees them, the unit's field outlined) and their crops, beside the channel's actmax picture when there is one.
// Rows are virtualized (only visible rows are drawn). Hover names file and value; click opens the file; the small
// button on a tile opens Feature Maps of that image; a double-click on a row opens the channel's Unit page. A
// model that does not fix its input size gets a size field. State is saved so a window reload restores it.
import type { InputSize } from '../../../src/shared/inputSize';
import type {
  TopkActmaxImage,
  TopkFindResult,
  TopkFromWebview,
  TopkPanelState,
  TopkSort,
  TopkTestAction,
  TopkToWebview,
} from '../../../src/shared/topkProtocol';
import { canvasPng } from '../lib/canvasExport';
import { button, checkbox, select, setSelected, symbolButton } from '../lib/controls';
import { GridTiles } from '../lib/gridTiles';
import { mountPanel } from '../lib/mountPanel';
import { onUnitDoubleClick, UNIT_PAGE_HINT } from '../lib/unitTiles';
import { channelOrder, deadCount, isDead } from '../topk/channelOrder';
import { drawRows, emptyTileColour, PictureCache, type TopkView } from '../topk/drawRows';
import { hoverLine } from '../topk/hoverLine';
import { DeferredClick } from '../lib/deferredClick';
import { gridCells, positionOf, slotOf } from '../topk/gridCells';
import { asClamped, normalizeRun } from '../topk/payload';
import { fittedTile, hitTest, layoutRows, scrollToRow, slotX, visibleRows, type Hit, type RowLayout } from '../topk/rowLayout';
import { TopkSizeRows } from '../topk/sizeRow';
import { summaryLine } from '../topk/summaryText';
import '../lib/panel.css';
import '../topk/topk.css';

let view: TopkView | undefined;
let layout: RowLayout | undefined;
let zoom = 1;
let rowsDrawn = 0;
let firstDrawn = 0;
/** Where the mouse last was over the grid (client coordinates): scrolling moves the grid under it. */
let pointer: { clientX: number; clientY: number } | undefined;
const pics = new PictureCache();
/** A click's action waits this long for a second click: a double-click opens the unit page, not the file. */
const clicks = new DeferredClick();

const HOVER_HINT = `Hover an image for its file and value; click it to open the file; the small button shows its feature maps; ${UNIT_PAGE_HINT}.`;

/** Only the rows in view: a 512-channel layer costs what fits on the screen. */
const panel = mountPanel<TopkFromWebview, TopkToWebview, TopkPanelState>({
  crumbs: (s) => `${s.modelName} › ${s.layerId || '…'} › ${s.folder.split(/[\\/]/).filter(Boolean).pop() ?? s.folder}`,
  grid: {
    hoverHint: HOVER_HINT,
    above: '<div id="summary" class="tk-legend"></div><div id="sizeNotice" class="tk-notice" hidden></div><div id="sizeRow" class="tk-size" hidden></div><div class="tk-columns-clip"><div id="columns" class="tk-columns"></div></div>',
    canvasClass: 'tk-canvas',
    paint: (ctx, vp) => {
      if (!view || !layout) return;
      const { first, last } = visibleRows(layout, vp.top, vp.height);
      firstDrawn = first;
      rowsDrawn = drawRows(ctx, view, layout, first, last, vp.top, pics);
    },
  },
});
const { host, status } = panel;
const { scroller, canvas, hover, grid } = panel.shell;
const summary = document.getElementById('summary')!;
const sizeRows = new TopkSizeRows(document.getElementById('sizeRow')!, document.getElementById('sizeNotice')!, {
  apply: applyInputSize,
  problem: (message) => status.error(message),
});
const columns = document.getElementById('columns')!;
// The keyboard's way over the pictures: Enter or Space does what a click does (opens the file, or runs actmax on an
// empty actmax cell), Alt+Enter what the small button does (feature maps), Shift+Enter what a double-click does.
const cells = new GridTiles(scroller, 'topkTiles', (position, alternate, key) => {
  if (!view || !layout) return;
  const slot = slotOf(layout, position);
  const channel = view.order[slot.row];
  if (channel === undefined) return;
  if (alternate) host.post({ type: 'openUnit', layerId: view.run.result.layerId, unit: channel, modelPath: view.modelPath });
  else clickAction({ ...slot, channel, onButton: false }, key?.altKey ?? false);
}, (position) => {
  const slot = layout && slotOf(layout, position);
  const channel = slot && view?.order[slot.row];
  if (slot && channel !== undefined) showHover({ ...slot, channel, onButton: false });
});

const sortSelect = select('sort', 'Sort channels', [
  { value: 'index', label: 'By index' },
  { value: 'top', label: 'By top value' },
], panel.state?.sort ?? 'index', (v) => setSort(v as TopkSort));
const deadBox = checkbox('deadLast', 'Dead channels last', panel.state?.deadLast ?? true, (v) => setDeadLast(v));
deadBox.title = 'Dead channels (max 0 over the folder) after the live ones; unchecked: every channel in the sort order.';
document.getElementById('toolbar')!.append(
  sortSelect,
  deadBox,
  symbolButton('zoomOut', '−', 'Zoom out', () => setZoom(zoom / 1.25)),
  symbolButton('zoomIn', '+', 'Zoom in', () => setZoom(zoom * 1.25)),
  button('pickFolder', 'Choose Folder…', () => host.post({ type: 'pickFolder' }), true),
  button('export', 'Export PNG', () => void exportPng()),
);

function setSort(sort: TopkSort): void {
  if (panel.state) panel.setState({ ...panel.state, sort });
  host.post({ type: 'setSort', sort });
  reorder();
}

function setDeadLast(deadLast: boolean): void {
  if (panel.state) panel.setState({ ...panel.state, deadLast });
  host.post({ type: 'setDeadLast', deadLast });
  reorder();
}

/** The rows in the order the sort and the dead-channels toggle ask for; the summary says where dead ones are. */
function reorder(): void {
  if (view) {
    const deadLast = panel.state?.deadLast ?? true;
    view = { ...view, order: channelOrder(view.run.result.top, panel.state?.sort ?? 'index', deadLast) };
    summary.textContent = summaryLine(view.run, deadLast);
  }
  relayout();
}

function setZoom(z: number): void {
  zoom = Math.max(0.4, Math.min(4, z));
  relayout();
}

function relayout(): void {
  if (!view) {
    layout = undefined;
    cells.show(undefined);
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
  cells.show(gridCells(view, layout));
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

/** The point in grid content coordinates, from the scroller's box (during a scroll the canvas has not moved yet). */
function contentPoint(e: { clientX: number; clientY: number }): { x: number; y: number } {
  const box = scroller.getBoundingClientRect();
  return { x: e.clientX - box.left - scroller.clientLeft + scroller.scrollLeft, y: e.clientY - box.top - scroller.clientTop + scroller.scrollTop };
}

function hitAt(e: { clientX: number; clientY: number }): (Hit & { channel: number }) | undefined {
  if (!view || !layout) return undefined;
  const point = contentPoint(e);
  const hit = hitTest(layout, point.x, point.y);
  const channel = hit ? view.order[hit.row] : undefined;
  return hit && channel !== undefined ? { ...hit, channel } : undefined;
}

/** The channel of the row under the point: on its label or any of its tiles (what a double-click opens). */
function rowChannelAt(e: { clientX: number; clientY: number }): number | undefined {
  if (!view || !layout) return undefined;
  const hit = hitAt(e);
  if (hit) return hit.channel;
  const { x, y } = contentPoint(e);
  const row = Math.floor(y / layout.rowHeight);
  const onLabel = x >= 0 && x < layout.labelWidth && y >= 0 && y - row * layout.rowHeight < layout.tile && row < layout.rows;
  return onLabel ? view.order[row] : undefined;
}

function entryOf(hit: Hit & { channel: number }) {
  return hit.kind === 'actmax' ? undefined : view?.run.result.top[hit.channel]?.[hit.rank];
}

/** The hover line for what is under the pointer now (after a move, a scroll or a new layout). */
function refreshHover(): void {
  // Without a pointer over the grid, the keyboard's cell keeps the line it set (a focus scrolls the grid).
  if (!pointer && cells.grid.contains(document.activeElement)) return;
  showHover(pointer ? hitAt(pointer) : undefined);
}

/** The hover line for a picture (under the pointer or the keyboard's focus). */
function showHover(hit: (Hit & { channel: number }) | undefined): void {
  if (!hit || !view) {
    hover.textContent = ' ';
    canvas.title = '';
    return;
  }
  hover.textContent = hoverLine(view, hit);
  canvas.title = entryOf(hit)?.file ?? '';
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
  // The clicked picture becomes the one Tab returns to.
  if (hit && layout) cells.roving.setCurrent(positionOf(layout, hit));
  clicks.click(e.detail, () => clickAction(hit, e.altKey));
});
onUnitDoubleClick(canvas, (e) => {
  clicks.cancel();
  const channel = rowChannelAt(e);
  return channel !== undefined && view ? { layerId: view.run.result.layerId, unit: channel } : undefined;
}, (unit) => host.post({ type: 'openUnit', ...unit, modelPath: view?.modelPath }));
new ResizeObserver(() => relayout()).observe(scroller);

function clickAction(hit: (Hit & { channel: number }) | undefined, altKey: boolean): void {
  if (hit?.kind === 'actmax' && !view?.actmax.has(hit.channel)) {
    host.post({ type: 'runActmax', channel: hit.channel });
    return;
  }
  const entry = hit ? entryOf(hit) : undefined;
  if (!hit || !entry || isDead(view?.run.result.top[hit.channel])) return;
  // The small button (or Alt+click): feature maps of this image; a plain click opens the file.
  if (hit.onButton || altKey) host.post({ type: 'showFeatureMaps', file: entry.file });
  else host.post({ type: 'openFile', file: entry.file });
}

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
  const state = panel.state;
  if (!c || !state) return;
  host.post({ type: 'exportPng', png: await canvasPng(c), suggestedName: `${state.modelName}-${state.layerId}-top${state.k}.png` });
}

function snapshotMeta(): Record<string, number | string> {
  const state = panel.state;
  const always = { status: document.getElementById('status')?.textContent ?? '', summary: summary.textContent ?? '', ...sizeRows.meta(), hint: HOVER_HINT };
  if (!view || !layout || !state) return always;
  return {
    ...always,
    layerId: view.run.result.layerId, channels: view.run.result.channels, k: view.run.result.k, rowsDrawn, firstRow: firstDrawn,
    rows: layout.rows, tile: layout.tile, rowHeight: layout.rowHeight, labelWidth: layout.labelWidth, gap: layout.gap, split: layout.split,
    actmaxColumn: layout.actmax ? 1 : 0, actmaxPictures: view.actmax.size, sort: state.sort, deadLast: state.deadLast ? 1 : 0,
    dead: deadCount(view.run.result.top), layoutWidth: layout.width, viewWidth: scroller.clientWidth,
    columns: Array.from(columns.children, (c) => `${c.textContent}@${(c as HTMLElement).style.left}`).join('|'),
    hover: hover.textContent ?? '', scrollTop: scroller.scrollTop, order: Array.from(view.order.subarray(0, 16)).join(','),
    images: view.run.result.imageCount, skipped: view.run.result.skipped.length, fromCache: view.run.result.fromCache ? 1 : 0,
    thumbWidth: view.run.pictures.thumbWidth, thumbHeight: view.run.pictures.thumbHeight, crops: view.run.pictures.crops ? 1 : 0,
    inputHeight: view.run.result.input[0], inputWidth: view.run.result.input[1],
    // The colour of a slot with no picture in this theme (0xRRGGBB).
    emptyTile: emptyTileColour(),
    ...cells.meta(),
  };
}

function applyInputSize(size: InputSize): void {
  if (panel.state) panel.setState({ ...panel.state, inputSize: size });
  host.post({ type: 'setInputSize', size });
}

function onResult(run: TopkFindResult): void {
  pics.clear();
  status.clear();
  const deadLast = panel.state?.deadLast ?? true;
  // The rows stay this model's until the next result, whatever state the host sends before it.
  view = { run, order: channelOrder(run.result.top, panel.state?.sort ?? 'index', deadLast), actmax: new Map(), modelPath: panel.state?.modelPath };
  summary.textContent = summaryLine(run, deadLast);
  sizeRows.show(run);
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

/** A point of a row's slot in client coordinates: where the tests' events land, as a user's would. */
function slotPoint(kind: 'thumb' | 'actmax', row: number): { clientX: number; clientY: number } {
  const box = scroller.getBoundingClientRect();
  return {
    clientX: box.left + scroller.clientLeft - scroller.scrollLeft + slotX(layout!, kind, 0) + layout!.tile / 2,
    clientY: box.top + scroller.clientTop - scroller.scrollTop + row * layout!.rowHeight + layout!.tile / 2,
  };
}

/** What the tests do as a user would: events at the tile's centre, in client coordinates. */
function testAction(action: TopkTestAction): void {
  if (action.kind === 'typeInputSize') {
    sizeRows.type(action.text);
    return;
  }
  if (action.kind === 'clickRunAgain') {
    sizeRows.clickRunAgain();
    return;
  }
  if (action.kind === 'toggleDeadLast') {
    // The checkbox's own label (in its shadow root) takes the click, as under a user's pointer.
    (deadBox.shadowRoot?.querySelector('label') as HTMLElement | null)?.click();
    return;
  }
  if (!layout) return;
  if (action.kind === 'hoverThumb') canvas.dispatchEvent(new MouseEvent('mousemove', slotPoint('thumb', action.row)));
  else if (action.kind === 'clickActmax') canvas.dispatchEvent(new MouseEvent('click', slotPoint('actmax', action.row)));
  else scroller.scrollTop += action.rows * layout.rowHeight;
}

/** The row at `index` in view order, scrolled into view, double-clicked at its first thumbnail's centre. */
function openUnitAt(index: number): void {
  if (!layout || index < 0 || index >= layout.rows) return;
  scroller.scrollTop = scrollToRow(layout, index, scroller.scrollTop, scroller.clientHeight);
  canvas.dispatchEvent(new MouseEvent('dblclick', { ...slotPoint('thumb', index), bubbles: true, detail: 2 }));
}

panel.start({
  init: (msg, previous) => {
    const next = msg.state;
    const changed = !previous || next.layerId !== previous.layerId || next.folder !== previous.folder || next.modelPath !== previous.modelPath || next.k !== previous.k;
    setSelected(sortSelect, next.sort);
    (deadBox as HTMLElement & { checked: boolean }).checked = next.deadLast;
    if (changed) {
      view = undefined;
      summary.textContent = '';
      sizeRows.show(undefined);
      relayout();
    }
  },
  snapshot: () => ({ canvas, meta: snapshotMeta() }),
  openUnit: openUnitAt,
  messages: {
    result: (msg) => {
      const run = normalizeRun(msg.result);
      if (!run) {
        status.error('The result from the engine was incomplete; run "Find Top Images…" again.');
        return;
      }
      onResult(run);
    },
    actmax: (msg) => {
      if (Array.isArray(msg.images)) onActmax(msg.images);
    },
    info: (msg) => status.info(msg.message),
    // The model's size now (maybe chosen in another panel since the result): the field follows, the results say theirs.
    modelSize: (msg) => {
      if (panel.state) panel.setState({ ...panel.state, inputSize: msg.size });
      sizeRows.follow(view?.run, msg.size);
    },
    testAction: (msg) => testAction(msg.action),
  },
});
