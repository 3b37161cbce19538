// The feature maps panel: what every layer of the model produces for one image, from one forward pass in the
// engine. A layer picker, a virtualized grid of channel maps (colormap, sort, jump), hover stats, a detail view
// over the input image, top predictions. Layer values arrive lazily as typed arrays when a layer is picked.
// State (image, layer, view options, open channel) is saved with setState so a window reload restores it.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ColormapName } from '../../../src/shared/colormap';
import type {
  FeatureLayerSummary,
  FeatureMapNormalize,
  FeatureMapSort,
  FeatureMapsFromWebview,
  FeatureMapsLayerResult,
  FeatureMapsOpenResult,
  FeatureMapsPanelState,
  FeatureMapsToWebview,
} from '../../../src/shared/featureMapsProtocol';
import { channelOrder, describeChannel, parseChannel, positionsOf } from '../featureMaps/channelOrder';
import { mapCells } from '../featureMaps/mapCells';
import { DetailView } from '../featureMaps/detailView';
import { drawMapRows, MapScratch, type MapsView } from '../featureMaps/drawMaps';
import { LayerCache } from '../featureMaps/layerCache';
import { layoutMaps, positionAt, scrollToReveal, visibleRows, type MapLayout } from '../featureMaps/mapLayout';
import { featureLayerLabel } from '../featureMaps/layerLabel';
import { renderInput, renderPredictions } from '../featureMaps/sideView';
import { ExplainSection } from '../featureMaps/explain/explainSection';
import { renderSizeControl, type SizeControl } from '../lib/sizeControl';
import { renderPreprocessControl, type PreprocessControl } from '../featureMaps/preprocessControl';
import type { PreprocessChoice } from '../../../src/shared/featureMapsProtocol';
import type { InputSize } from '../../../src/shared/inputSize';
import '../lib/panel.css';
import '../featureMaps/featureMaps.css';
import { canvasPng } from '../lib/canvasExport';
import { button, select, setChoices, setSelected, symbolButton } from '../lib/controls';
import { mountPanel, type PanelPicture } from '../lib/mountPanel';
import { cellCentre, doubleClickPicturePoint, onUnitDoubleClick, UNIT_PAGE_HINT } from '../lib/unitTiles';
import { ColorBar } from '../lib/colorBar';
import { GridTiles } from '../lib/gridTiles';
import { featureMapsBar } from '../lib/colorBarSpecs';
import { jumpField } from '../featureMaps/jumpField';

let summary: FeatureMapsOpenResult | undefined;
/** The model the pass shown was run on: a map's tile opens that model's unit whatever state came since. */
let summaryModel: string | undefined;
let layer: FeatureLayerSummary | undefined;
let view: MapsView | undefined;
let layout: MapLayout | undefined;
let zoom = 1;
const cache = new LayerCache();
let sizeControl: SizeControl | undefined;
let preprocessControl: PreprocessControl | undefined;
const scratch = new MapScratch();

/** Draws only the rows in view: a 2048-channel layer costs what fits on the screen. */
const panel = mountPanel<FeatureMapsFromWebview, FeatureMapsToWebview, FeatureMapsPanelState>({
  crumbs: (s) => `${s.modelName} › ${s.imageName} › ${s.layerId || '…'}`,
  grid: {
    hoverHint: `Hover a map for its numbers; click it to see it over the image; ${UNIT_PAGE_HINT}.`,
    side: '<aside class="fm-side"><div id="detail" class="fm-detail" hidden></div><div id="input"></div><div id="top5" hidden></div><div id="explain" class="fm-explain" hidden></div></aside>',
    paint: (ctx, vp) => {
      if (!view || !layout) return;
      const { first, last } = visibleRows(layout, vp.top, vp.height);
      drawMapRows(ctx, view, layout, first, last, vp.top, scratch, detail.shownChannel);
    },
  },
});
const { host, status } = panel;
const { scroller, canvas, hover, grid } = panel.shell;
const saved = panel.state;
const detail = new DetailView(document.getElementById('detail')!, scratch, saved?.opacity ?? 0.6, {
  onOpacity: (opacity) => update({ opacity }),
  onClose: () => closeDetail(),
  onExport: (c, channel) => void exportCanvas(c, `channel${channel}-overlay`),
});

// The keyboard's way over the maps: Enter or Space shows a map over the image (a click), Shift+Enter opens its
// channel's unit page (a double-click). Cells are in view order (sorted or not).
const mapTiles = new GridTiles(scroller, 'mapTiles', (position, alternate) => {
  const channel = view?.order[position];
  if (channel === undefined || !layer) return;
  if (alternate) host.post({ type: 'openUnit', layerId: layer.id, unit: channel, modelPath: summaryModel });
  else openChannel(channel);
}, (position) => {
  const channel = view?.order[position];
  if (channel === undefined || !view) return;
  hover.textContent = describeChannel(view.stats, channel);
  colorBar.show(featureMapsBar(view.stats, view.normalize, view.colormap, channel));
});

// Escape in the grid closes the map over the image, as its Close button does.
mapTiles.grid.addEventListener('keydown', (e) => void (e.key === 'Escape' && detail.shownChannel >= 0 && closeDetail()));
function closeDetail(): void {
  detail.hide();
  update({ channel: -1 });
  draw();
}

const explain = new ExplainSection(document.getElementById('explain')!, {
  post: (msg) => host.post(msg),
  exportPng: (c, what) => void exportCanvas(c, what),
});

const layerSelect = select('layer', 'Layer', [], '', (v) => selectLayer(v));
const layerCombo = layerSelect.querySelector('vscode-single-select') as HTMLElement & { combobox: boolean; value: string };
layerCombo.combobox = true;
const colormapSelect = select('colormap', 'Colormap', [
  { value: 'viridis', label: 'Viridis' },
  { value: 'magma', label: 'Magma' },
  { value: 'gray', label: 'Gray' },
], saved?.colormap ?? 'viridis', (v) => setView({ colormap: v as ColormapName }));
const normSelect = select('normalize', 'Scale', [
  { value: 'channel', label: 'Per channel' },
  { value: 'layer', label: 'Per layer' },
], saved?.normalize ?? 'channel', (v) => setView({ normalize: v as FeatureMapNormalize }));
const sortSelect = select('sort', 'Sort', [
  { value: 'index', label: 'Index' },
  { value: 'mean', label: 'Mean (largest first)' },
  { value: 'max', label: 'Max (largest first)' },
], saved?.sort ?? 'index', (v) => setView({ sort: v as FeatureMapSort }));
document.getElementById('toolbar')!.append(
  layerSelect, colormapSelect, normSelect, sortSelect, jumpField(jumpTo),
  symbolButton('zoomOut', '−', 'Zoom out', () => setZoom(zoom / 1.5)),
  symbolButton('zoomIn', '+', 'Zoom in', () => setZoom(zoom * 1.5)),
  button('pickImage', 'Choose Image…', () => host.post({ type: 'pickImage' }), true),
  button('export', 'Export PNG', () => void exportGrid()),
);
const colorBar = new ColorBar();
document.getElementById('toolbar')!.append(colorBar.element);

function update(patch: Partial<FeatureMapsPanelState>): void {
  if (!panel.state) return;
  const state = { ...panel.state, ...patch };
  panel.setState(state);
  host.post({ type: 'setState', state });
}

function setView(patch: Partial<Pick<FeatureMapsPanelState, 'colormap' | 'normalize' | 'sort'>>): void {
  update(patch);
  const state = panel.state;
  if (!view || !state || !layer) return;
  view = { ...view, colormap: state.colormap, normalize: state.normalize, order: patch.sort ? channelOrder(layer.stats, state.sort) : view.order };
  relayout();
  if (detail.shownChannel >= 0) detail.show(summary!, view, detail.shownChannel);
}

function setZoom(z: number): void {
  zoom = Math.max(0.25, Math.min(8, z));
  relayout();
}

/** Picks a layer: draws it at once when its values are here, else asks the host for them. */
function selectLayer(layerId: string): void {
  const state = panel.state;
  if (!summary || !state) return;
  const next = summary.layers.find((l) => l.id === layerId);
  if (!next) return;
  const changed = state.layerId !== layerId;
  layer = next;
  if (layerCombo.value !== layerId) layerCombo.value = layerId;
  update({ layerId, channel: changed ? -1 : state.channel });
  if (changed) detail.hide();
  const cached = cache.get(layerId);
  if (cached) {
    showValues(cached);
    return;
  }
  view = undefined;
  layout = undefined;
  draw();
  status.loading(`Fetching the maps of ${layerId}…`);
  host.post({ type: 'requestLayer', layerId });
}

function showValues(values: FeatureMapsLayerResult): void {
  const state = panel.state;
  if (!state || !layer || values.layerId !== layer.id) return;
  status.clear();
  const geometry = { height: values.height, width: values.width, channels: values.channels };
  view = { data: values.data, geometry, stats: layer.stats, order: channelOrder(layer.stats, state.sort), colormap: state.colormap, normalize: state.normalize };
  relayout();
  if (state.channel >= 0 && state.channel < values.channels) detail.show(summary!, view, state.channel);
}

function relayout(): void {
  if (!view) return;
  const { width, height, channels } = view.geometry;
  layout = layoutMaps(channels, width, height, scroller.clientWidth - 16, zoom);
  colorBar.show(featureMapsBar(view.stats, view.normalize, view.colormap));
  grid.resize(layout.width, layout.height);
  mapTiles.show(mapCells(layer?.id ?? '', view, layout));
}

function draw(): void {
  if (!view || !layout) {
    grid.clear();
    mapTiles.show(undefined);
  } else grid.draw();
}

function channelAt(e: MouseEvent): number | undefined {
  if (!view || !layout) return undefined;
  const point = grid.pointAt(e);
  const p = positionAt(layout, point.x, point.y);
  return p === undefined ? undefined : view.order[p];
}

function openChannel(channel: number): void {
  if (!view || !summary) return;
  update({ channel });
  detail.show(summary, view, channel);
  draw();
}

function jumpTo(text: string): void {
  if (!view || !layout) return;
  const channel = parseChannel(text, view.geometry.channels);
  if (channel === undefined) {
    hover.textContent = `No channel "${text}" in ${layer?.id}: enter 0 to ${view.geometry.channels - 1}.`;
    return;
  }
  const position = positionsOf(view.order)[channel];
  scroller.scrollTop = scrollToReveal(layout, position, scroller.scrollTop, scroller.clientHeight);
  hover.textContent = describeChannel(view.stats, channel);
  // The map jumped to is the one Tab reaches next.
  mapTiles.roving.setCurrent(position);
  openChannel(channel);
}

canvas.addEventListener('mousemove', (e) => {
  const c = channelAt(e);
  hover.textContent = c !== undefined && view ? describeChannel(view.stats, c) : ' ';
  if (view) colorBar.show(featureMapsBar(view.stats, view.normalize, view.colormap, c));
});
canvas.addEventListener('click', (e) => {
  const c = channelAt(e);
  if (c === undefined) return;
  // The clicked map becomes the one Tab returns to.
  if (view) mapTiles.roving.setCurrent(view.order.indexOf(c));
  openChannel(c);
});
onUnitDoubleClick(canvas, (e) => {
  const c = channelAt(e);
  return c !== undefined && layer ? { layerId: layer.id, unit: c } : undefined;
}, (unit) => host.post({ type: 'openUnit', ...unit, modelPath: summaryModel }));
new ResizeObserver(() => relayout()).observe(scroller);

/** The whole grid (not only the visible rows) in a fresh canvas, up to maxHeight pixels tall. */
function fullCanvas(maxHeight: number): { canvas: HTMLCanvasElement; rows: number } | undefined {
  if (!view || !layout) return undefined;
  const pitch = layout.cellHeight + layout.gap;
  const rows = Math.min(layout.rows, Math.max(1, Math.floor((maxHeight + layout.gap) / pitch)));
  const c = document.createElement('canvas');
  c.width = layout.width;
  c.height = rows * pitch - layout.gap;
  drawMapRows(c.getContext('2d')!, view, layout, 0, rows, 0, scratch);
  return { canvas: c, rows };
}

async function exportCanvas(c: HTMLCanvasElement, what: string): Promise<void> {
  const state = panel.state;
  if (!state) return;
  const stem = state.imageName.replace(/\.[^.]+$/, '');
  host.post({ type: 'exportPng', png: await canvasPng(c), suggestedName: `${state.modelName}-${stem}-${state.layerId}-${what}.png` });
}

async function exportGrid(): Promise<void> {
  const full = fullCanvas(16384);
  if (full) await exportCanvas(full.canvas, 'maps');
}

function gridSnapshot(): PanelPicture {
  const full = fullCanvas(4096);
  const c = full?.canvas ?? canvas;
  // What the toolbar and the side column show, with or without maps: the tests check that nothing stale stays.
  const inputShown = document.getElementById('inputCanvas') !== null;
  const top5Shown = !document.getElementById('top5')!.hidden && document.getElementById('predictions') !== null;
  const sizeField = document.getElementById('inputSize') as (HTMLElement & { value: string }) | null;
  const controls = {
    layerSelect: layerCombo.value, inputShown: inputShown ? 1 : 0, top5Shown: top5Shown ? 1 : 0,
    inputWidth: summary?.input.width ?? 0, inputHeight: summary?.input.height ?? 0,
    caption: document.querySelector('.fm-caption')?.textContent ?? '', sizeField: sizeField?.value ?? '',
    preprocessing: document.getElementById('preprocessingLine')?.textContent ?? '',
    status: document.getElementById('status')?.textContent ?? '',
    colorBar: colorBar.text(),
  };
  const meta: Record<string, number | string> = view && layout && layer
    ? { ...controls,
      layerId: layer.id, channels: view.geometry.channels, cols: layout.cols, rows: layout.rows, rowsInSnapshot: full?.rows ?? 0,
      cellWidth: layout.cellWidth, cellHeight: layout.cellHeight, gap: layout.gap, mapWidth: view.geometry.width, mapHeight: view.geometry.height,
      colormap: view.colormap, sort: panel.state?.sort ?? 'index', normalize: view.normalize, detailChannel: detail.shownChannel,
      predictions: summary?.predictions.map((p) => p.label).join('|') ?? '', imageName: summary?.imageName ?? '', modelName: summary?.modelName ?? '',
    }
    : controls;
  return { canvas: c, meta: { ...meta, ...mapTiles.meta() } };
}

function onSummary(result: FeatureMapsOpenResult): void {
  summary = result;
  summaryModel = panel.state?.modelPath;
  cache.clear();
  // The pass came with the values of the layer shown first: it draws without asking the host again.
  if (result.firstLayer) cache.put(result.firstLayer);
  status.clear();
  renderInput(document.getElementById('input')!, result);
  sizeControl = result.inputSizeNote ? renderSizeControl(document.getElementById('input')!, result.input, applyInputSize, (message) => status.error(message)) : undefined;
  preprocessControl = renderPreprocessControl(document.getElementById('input')!, result.preprocessing, panel.state?.preprocessing, applyPreprocessing);
  renderPredictions(document.getElementById('top5')!, result, (classIndex) => explain.explainClass(classIndex));
  explain.setSummary(result);
  const wanted = result.layers.find((l) => l.id === panel.state?.layerId) ?? result.layers.find((l) => l.height * l.width > 1) ?? result.layers[0];
  // The new options are marked with the layer to show: the select re-reads its options when they are slotted
  // (after this call), and a value set only as a property, while the old options are still there, is lost.
  setChoices(layerCombo, result.layers.map((l) => ({ value: l.id, label: featureLayerLabel(l, result.nativeLayout) })), wanted?.id ?? '');
  if (!wanted) {
    status.info(`${result.modelName} has no layer with feature maps.`);
    return;
  }
  layer = undefined;
  const state = panel.state;
  if (state) panel.setState({ ...state, layerId: state.layerId === wanted.id ? wanted.id : '' });
  selectLayer(wanted.id);
}

/** Runs the model again at `size`; the state keeps it so a window reload asks for the same size. */
function applyInputSize(size: InputSize): void {
  if (panel.state) panel.setState({ ...panel.state, inputSize: size });
  host.post({ type: 'setInputSize', size });
}

/** Runs the model again with the resize and normalization picked; the state keeps them for a window reload. */
function applyPreprocessing(choice: PreprocessChoice): void {
  if (panel.state) panel.setState({ ...panel.state, preprocessing: choice });
  host.post({ type: 'setPreprocessing', choice });
}

/** Empties the side column: its thumbnail and top 5 belong to the image whose maps were just dropped. */
function clearSide(): void {
  detail.hide();
  document.getElementById('input')!.replaceChildren();
  const top5 = document.getElementById('top5')!;
  top5.hidden = true;
  top5.replaceChildren();
}

/** The map at `index` in view order (sorted or not): double-clicked at its centre, as a user would. */
function openUnitAt(index: number): void {
  if (!view || !layout || index < 0 || index >= layout.count) return;
  const at = cellCentre(layout, index);
  doubleClickPicturePoint(canvas, scroller.scrollTop, at.x, at.y);
}

panel.start({
  init: (msg) => {
    setSelected(colormapSelect, msg.state.colormap);
    setSelected(normSelect, msg.state.normalize);
    setSelected(sortSelect, msg.state.sort);
  },
  snapshot: (request) => (request.part === 'explain' ? explain.snapshot() : gridSnapshot()),
  openUnit: openUnitAt,
  messages: {
    summary: (msg) => onSummary(msg.result),
    layer: (msg) => {
      cache.put(msg.result);
      showValues(msg.result);
    },
    showLayer: (msg) => selectLayer(msg.layerId),
    typeInputSize: (msg) => sizeControl?.type(msg.text),
    choosePreprocessing: (msg) => preprocessControl?.choose(msg.choice),
    // After the status line shows it. A failed image or model: show nothing stale (maps, thumbnail, top 5),
    // keep the controls usable (Choose Image…, the palette). A failed layer of a shown image keeps that
    // image's side column.
    error: () => {
      if (!layer || !summary) {
        view = undefined;
        layout = undefined;
        clearSide();
        draw();
      }
    },
    clear: () => {
      summary = undefined;
      sizeControl = undefined;
      layer = undefined;
      view = undefined;
      layout = undefined;
      cache.clear();
      detail.hide();
      clearSide();
      explain.clear();
      draw();
    },
    explainProgress: (msg) => explain.progress(msg.slot, msg.requestId, msg.progress),
    explainResult: (msg) => explain.result(msg.slot, msg.requestId, msg.map, msg.cached),
    explainError: (msg) => explain.failed(msg.slot, msg.requestId, msg.message, msg.cancelled),
    explainTest: (msg) => explain.test(msg.action),
  },
});
