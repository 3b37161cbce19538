// The activation-maximization panel: pick a layer, units, objective and preset (advanced settings behind a
// fold), watch the image form live with its objective curve and a strip of frames, cancel, export; or render the
// whole layer as an atlas. State is saved with setState so a window reload restores the panel.
import type { ActmaxFromWebview, ActmaxLayerChoice, ActmaxPanelState, ActmaxToWebview } from '../../../src/shared/actmaxProtocol';
import { objectiveForLayer } from '../../../src/shared/actmaxProtocol';
import { AtlasView } from '../actmax/atlasView';
import { LiveView } from '../actmax/liveView';
import { SettingsForm } from '../actmax/settingsForm';
import { SizeRow } from '../actmax/sizeRow';
import '../lib/panel.css';
import '../actmax/actmax.css';
import { mountPanel, type PanelPicture } from '../lib/mountPanel';

let layers: ActmaxLayerChoice[] = [];
let logitsId: string | undefined;
let classCount: number | undefined;
let runId = -1;
let running = false;

const panel = mountPanel<ActmaxFromWebview, ActmaxToWebview, ActmaxPanelState>({
  crumbs: (s) => {
    const unitPart = s.view === 'atlas' ? 'all units' : `${/^\d+$/.test(s.settings.units.trim()) ? 'unit' : 'units'} ${s.settings.units.trim()}`;
    return `${s.modelName} › ${s.layerId || '…'} › ${unitPart}`;
  },
  body: `
  <div id="toolbar" class="toolbar"></div>
  <div id="sizeRow" class="am-size" hidden></div>
  <div id="advanced"></div>
  <div id="status" class="status" hidden></div>
  <section id="live"></section>
  <section id="atlasRoot" hidden></section>`,
});
const { host, status } = panel;
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
const atlasRoot = document.getElementById('atlasRoot')!;
const atlas = new AtlasView(atlasRoot, (unit) => {
  // The tile that had the focus goes with the atlas: the focus follows to the run it started.
  const fromTile = atlasRoot.contains(document.activeElement);
  form.setUnits(String(unit));
  start('run');
  if (fromTile) live.focus();
}, (unit) => host.post({ type: 'openUnit', ...unit }));

function saveFromForm(patch: Partial<ActmaxPanelState> = {}): void {
  if (!panel.state) return;
  const state = { ...panel.state, settings: form.read(), ...patch };
  panel.setState(state);
  host.post({ type: 'setState', state });
  render();
}

/** What follows the state besides the breadcrumb: the units field's hint and which view shows. */
function render(): void {
  const state = panel.state;
  if (!state) return;
  const layer = layers.find((l) => l.id === state.layerId);
  if (layer) {
    const classes = state.settings.objective === 'classLogit' && classCount;
    form.setUnitsHint(classes ? classCount! : layer.channels, classes ? `classes of ${logitsId}` : 'channels');
  }
  document.getElementById('live')!.hidden = state.view !== 'single';
  document.getElementById('atlasRoot')!.hidden = state.view !== 'atlas';
  // The atlas's grid takes the panel's height left under the header and settings (actmax.css).
  document.getElementById('app')!.classList.toggle('fill-page', state.view === 'atlas');
}

function start(kind: 'run' | 'atlas'): void {
  if (!panel.state) return;
  const state: ActmaxPanelState = { ...panel.state, settings: form.read(), view: kind === 'atlas' ? 'atlas' : 'single' };
  panel.setState(state);
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
  const state = panel.state;
  const out = state?.view === 'atlas' ? await atlas.exportPng() : await live.exportPng();
  if (!out || !state) return;
  host.post({ type: 'exportPng', png: out.png, suggestedName: `${state.modelName}-${out.name}.png` });
}

function snapshot(): PanelPicture {
  const { canvas, meta } = panel.state?.view === 'atlas' ? atlas.snapshotCanvas() : live.snapshotCanvas();
  meta.running = running ? 1 : 0;
  // What the objective picker shows, so tests can check it against what ran.
  meta.objectiveChoice = form.read().objective;
  meta.preset = form.read().preset;
  meta.crumbs = document.getElementById('crumbs')!.textContent ?? '';
  Object.assign(meta, sizeRow.meta(), { canvasWidth: canvas.width, canvasHeight: canvas.height });
  // Where the objective curve sits: a run that ends must not move it (the layout reserves the room).
  const curve = document.getElementById('amCurve')?.getBoundingClientRect();
  if (curve) meta.curveAt = `${Math.round(curve.left)},${Math.round(curve.top)}`;
  return { canvas, meta };
}

// A state saved before a window reload picks the view to show until init arrives.
render();
panel.start({
  init: (msg) => {
    layers = msg.layers;
    logitsId = msg.logitsId;
    classCount = msg.classCount;
    form.setLayers(layers, msg.state.layerId);
    form.write(msg.state.settings);
    sizeRow.show(msg.inputSize);
    status.clear();
    render();
  },
  snapshot,
  // Only the atlas shows one tile per unit; the single view's pictures are the units the user typed.
  openUnit: (index) => {
    if (panel.state?.view === 'atlas') atlas.openUnitAt(index);
  },
  messages: {
    runStarted: (msg) => {
      runId = msg.runId;
      setRunning(true);
      status.clear();
      live.start(msg.layerId, msg.units, msg.totalSteps);
    },
    frame: (msg) => {
      if (msg.runId === runId) live.frame(msg.frame);
    },
    result: (msg) => {
      if (msg.runId === runId) live.result(msg.result, msg.cached);
    },
    atlasStarted: (msg) => {
      runId = msg.runId;
      setRunning(true);
      status.clear();
      atlas.start(msg.layerId, msg.channels);
    },
    atlasCells: (msg) => {
      if (msg.runId === runId) atlas.addCells(msg.units, msg.images, msg.width, msg.height, msg.objective, msg.cached);
    },
    atlasProgress: (msg) => {
      if (msg.runId === runId) atlas.batchProgress(msg.step, msg.totalSteps);
    },
    runEnded: (msg) => {
      // A newer run can end before it started (e.g. units refused by the host): its error must still show.
      if (msg.runId < runId) return;
      runId = msg.runId;
      setRunning(false);
      if (msg.status === 'done') return;
      if (panel.state?.view === 'atlas') atlas.ended(msg.message ?? 'Cancelled.');
      else live.cancelled(msg.message ?? 'Cancelled.');
      if (msg.status === 'error') status.error(msg.message ?? 'The run failed.');
    },
    typeInputSize: (msg) => sizeRow.type(msg.text),
  },
});
