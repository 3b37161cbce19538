// The activation-maximization panel: pick a layer, units, objective and preset (advanced settings behind a
// fold), watch the image form live with its objective curve and a strip of frames, cancel, export; or render the
// whole layer as an atlas. State is saved with setState so a window reload restores the panel.
import type { ActmaxFrame, ActmaxResult } from '../../../src/shared/actmax';
import type { ActmaxFromWebview, ActmaxLayerChoice, ActmaxPanelState, ActmaxToWebview } from '../../../src/shared/actmaxProtocol';
import { objectiveForLayer } from '../../../src/shared/actmaxProtocol';
import { AtlasView } from '../actmax/atlasView';
import { LiveView } from '../actmax/liveView';
import { SettingsForm } from '../actmax/settingsForm';
import { SizeRow } from '../actmax/sizeRow';
import '../lib/panel.css';
import '../actmax/actmax.css';
import { canvasRgba } from '../lib/canvasExport';
import { connectToHost } from '../lib/hostBridge';
import { StatusLine } from '../lib/statusLine';

const host = connectToHost<ActmaxFromWebview, ActmaxPanelState>();
let state: ActmaxPanelState | undefined = host.savedState();
let layers: ActmaxLayerChoice[] = [];
let logitsId: string | undefined;
let classCount: number | undefined;
let runId = -1;
let running = false;

const app = document.getElementById('app')!;
app.innerHTML = `
  <header class="header"><span id="crumbs" class="crumbs"></span><span id="backend" class="backend"></span></header>
  <div id="toolbar" class="toolbar"></div>
  <div id="sizeRow" class="am-size" hidden></div>
  <div id="advanced"></div>
  <div id="status" class="status" hidden></div>
  <section id="live"></section>
  <section id="atlasRoot" hidden></section>`;
const status = new StatusLine(document.getElementById('status')!);
const form = new SettingsForm(document.getElementById('toolbar')!, document.getElementById('advanced')!, {
  onChange: () => saveFromForm(),
  onLayer: (layerId) => {
    const settings = form.read();
    const objective = objectiveForLayer(settings.objective, layerId, logitsId);
    if (objective !== settings.objective) form.write({ ...settings, objective });
    saveFromForm({ layerId });
  },
  onRun: () => start('run'),
  onAtlas: () => start('atlas'),
  onCancel: () => host.post({ type: 'cancel' }),
  onExport: () => void exportPng(),
});
const sizeRow = new SizeRow(
  document.getElementById('sizeRow')!,
  (size) => {
    status.clear();
    host.post({ type: 'setInputSize', size });
  },
  (message) => status.error(message),
);
const live = new LiveView(document.getElementById('live')!);
const atlas = new AtlasView(document.getElementById('atlasRoot')!, (unit) => {
  form.setUnits(String(unit));
  start('run');
});

function saveFromForm(patch: Partial<ActmaxPanelState> = {}): void {
  if (!state) return;
  state = { ...state, settings: form.read(), ...patch };
  host.saveState(state);
  host.post({ type: 'setState', state });
  render();
}

function render(): void {
  if (!state) return;
  const layer = layers.find((l) => l.id === state!.layerId);
  const unitPart = state.view === 'atlas' ? 'all units' : `${/^\d+$/.test(state.settings.units.trim()) ? 'unit' : 'units'} ${state.settings.units.trim()}`;
  document.getElementById('crumbs')!.textContent = `${state.modelName} › ${state.layerId || '…'} › ${unitPart}`;
  if (layer) {
    const classes = state.settings.objective === 'classLogit' && classCount;
    form.setUnitsHint(classes ? classCount! : layer.channels, classes ? `classes of ${logitsId}` : 'channels');
  }
  document.getElementById('live')!.hidden = state.view !== 'single';
  document.getElementById('atlasRoot')!.hidden = state.view !== 'atlas';
}

function start(kind: 'run' | 'atlas'): void {
  if (!state) return;
  state = { ...state, settings: form.read(), view: kind === 'atlas' ? 'atlas' : 'single' };
  host.saveState(state);
  render();
  if (kind === 'atlas') atlas.relayout();
  status.clear();
  host.post({ type: kind, state });
}

function setRunning(value: boolean): void {
  running = value;
  form.setRunning(value);
}

async function exportPng(): Promise<void> {
  const out = state?.view === 'atlas' ? await atlas.exportPng() : await live.exportPng();
  if (!out || !state) return;
  host.post({ type: 'exportPng', png: out.png, suggestedName: `${state.modelName}-${out.name}.png` });
}

function snapshot(requestId: number): void {
  const { canvas, meta } = state?.view === 'atlas' ? atlas.snapshotCanvas() : live.snapshotCanvas();
  meta.running = running ? 1 : 0;
  // What the objective picker shows, so tests can check it against what ran.
  meta.objectiveChoice = form.read().objective;
  meta.preset = form.read().preset;
  meta.crumbs = document.getElementById('crumbs')!.textContent ?? '';
  Object.assign(meta, sizeRow.meta(), { canvasWidth: canvas.width, canvasHeight: canvas.height });
  // Where the objective curve sits: a run that ends must not move it (the layout reserves the room).
  const curve = document.getElementById('amCurve')?.getBoundingClientRect();
  if (curve) meta.curveAt = `${Math.round(curve.left)},${Math.round(curve.top)}`;
  host.post({ type: 'snapshot', requestId, width: canvas.width, height: canvas.height, rgba: canvasRgba(canvas), meta });
}

host.onMessage((raw) => {
  const msg = raw as unknown as ActmaxToWebview;
  switch (msg.type) {
    case 'init':
      state = msg.state;
      layers = msg.layers;
      logitsId = msg.logitsId;
      classCount = msg.classCount;
      host.saveState(state);
      form.setLayers(layers, state.layerId);
      form.write(state.settings);
      document.getElementById('backend')!.textContent = msg.backend;
      sizeRow.show(msg.inputSize);
      status.clear();
      render();
      return;
    case 'runStarted':
      runId = msg.runId;
      setRunning(true);
      status.clear();
      live.start(msg.layerId, msg.units, msg.totalSteps);
      return;
    case 'frame':
      if (msg.runId === runId) live.frame(msg.frame as ActmaxFrame);
      return;
    case 'result':
      if (msg.runId === runId) live.result(msg.result as ActmaxResult, msg.cached);
      return;
    case 'atlasStarted':
      runId = msg.runId;
      setRunning(true);
      status.clear();
      atlas.start(msg.layerId, msg.channels);
      return;
    case 'atlasCells':
      if (msg.runId === runId) atlas.addCells(msg.units, msg.images, msg.width, msg.height, msg.objective, msg.cached);
      return;
    case 'atlasProgress':
      if (msg.runId === runId) atlas.batchProgress(msg.step, msg.totalSteps);
      return;
    case 'runEnded':
      // A newer run can end before it started (e.g. units refused by the host): its error must still show.
      if (msg.runId < runId) return;
      runId = msg.runId;
      setRunning(false);
      if (msg.status === 'done') return;
      if (state?.view === 'atlas') atlas.ended(msg.message ?? 'Cancelled.');
      else live.cancelled(msg.message ?? 'Cancelled.');
      if (msg.status === 'error') status.error(msg.message ?? 'The run failed.');
      return;
    case 'loading':
      status.loading(msg.message);
      return;
    case 'error':
      status.error(msg.message);
      return;
    case 'typeInputSize':
      sizeRow.type(msg.text);
      return;
    case 'requestSnapshot':
      snapshot(msg.requestId);
      return;
  }
});

if (state) render();
host.post({ type: 'ready' });
