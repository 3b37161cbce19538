// The Unit panel: everything about one unit (the atlas unit page's content), drawn from the PNGs of its folder.
// While the host computes a page the panel shows progress with Cancel; a strongest input's link opens that unit
// here. The header chooses the preset, the number of seeds and k; the unit shown and those settings are saved, so a
// window reload reopens the same page (from the cache).
import type { UnitFromWebview, UnitPageView, UnitPanelState, UnitToWebview } from '../../../src/shared/unitProtocol';
import { Announcer } from '../lib/announcer';
import { canvasPng } from '../lib/canvasExport';
import { button } from '../lib/controls';
import { mountPanel } from '../lib/mountPanel';
import { nameProgressBar, setProgress } from '../lib/progressBar';
import { drawPage, stitch, type DrawnPage } from '../unit/pageView';
import { decodePictures, rgbaCanvas } from '../unit/pictures';
import { renderSettingsBar } from '../unit/settingsBar';
import '../lib/panel.css';
import '../unit/unit.css';

const panel = mountPanel<UnitFromWebview, UnitToWebview, UnitPanelState>({
  crumbs: (s) => (s.layerId ? `${s.modelName} › ${s.layerId} › unit ${s.unit}` : s.modelName),
  body: `<div id="toolbar" class="toolbar"></div>
  <div id="status" class="status" hidden></div>
  <div id="progress" class="unit-progress" hidden><div id="progressBar" class="unit-progress-bar"></div></div>
  <main id="page" class="unit-page" tabindex="-1"></main>`,
});
const { host, status } = panel;
const page = document.getElementById('page')!;
const progress = document.getElementById('progress')!;
const progressBar = document.getElementById('progressBar')!;
nameProgressBar(progress, 'Computing the unit page');
const announcer = new Announcer(document.getElementById('app')!, 'unitAnnouncer');

let view: UnitPageView | undefined;
let drawn: DrawnPage | undefined;
/** The unit's picture from an earlier Maximize Activation run, shown until its page is drawn. */
let preview: HTMLCanvasElement | undefined;
/** Bumped by every page: a slow decode of an older page never draws over a newer one. */
let generation = 0;

const prev = button('prevUnit', '◀ Unit', () => step(-1), true);
const next = button('nextUnit', 'Unit ▶', () => step(1), true);
prev.setAttribute('aria-label', 'Previous unit');
next.setAttribute('aria-label', 'Next unit');
prev.title = 'The previous unit of this layer';
next.title = 'The next unit of this layer';
const computeAgain = button('compute', 'Compute again', () => host.post({ type: 'compute' }), true);
const cancel = button('cancel', 'Cancel', () => host.post({ type: 'cancel' }));
const exportButton = button('export', 'Export PNG', () => void exportPng(), true);
const toolbar = document.getElementById('toolbar')!;
const settingsBar = renderSettingsBar(toolbar, (settings) => host.post({ type: 'settings', settings }), (message) => status.error(message));
toolbar.append(prev, next, computeAgain, cancel, exportButton);
cancel.hidden = true;

function step(delta: number): void {
  const s = panel.state;
  if (!s || !view) return;
  const unit = s.unit + delta;
  if (unit < 0 || unit >= view.layerUnits) return;
  host.post({ type: 'showUnit', unit });
}

function setBusy(busy: boolean): void {
  // The button with the focus must not take it away when it is disabled or hidden: Compute again hands it to
  // Cancel while a page is computed, and Cancel hands it back.
  const focusOnCompute = computeAgain.matches(':focus-within');
  const focusOnCancel = cancel.matches(':focus-within');
  cancel.hidden = !busy;
  progress.hidden = !busy;
  computeAgain.toggleAttribute('disabled', busy);
  if (busy && focusOnCompute) cancel.focus();
  if (!busy && focusOnCancel) computeAgain.focus();
}

/** The page (its region, named after the unit) takes the focus when what had it went with the old page. */
function keepFocusOnPage(hadFocus: boolean): void {
  const s = panel.state;
  if (s) page.setAttribute('aria-label', `${s.layerId} unit ${s.unit}`);
  if (hadFocus && !page.contains(document.activeElement)) page.focus();
}

function openUnit(layerId: string, unit: number): void {
  host.post({ type: 'openUnit', layerId, unit });
}

async function showPage(v: UnitPageView): Promise<void> {
  const mine = ++generation;
  const pictures = await decodePictures(v.pictures);
  if (mine !== generation) return;
  view = v;
  preview = undefined;
  const hadFocus = page.contains(document.activeElement);
  drawn = drawPage(page, v, pictures, openUnit);
  keepFocusOnPage(hadFocus);
  setBusy(false);
  announcer.ended(`${v.record.layerId} unit ${v.record.unit}: page ready${v.fromCache ? ', from the cache' : ''}.`);
  if (v.fromCache) status.info('From the cache (computed before with these settings). "Compute again" recomputes it.');
  else status.clear();
}

function pageCanvas(): HTMLCanvasElement {
  return stitch(drawn?.rows ?? (preview ? [[preview]] : []));
}

function showPreview(image: { width: number; height: number; rgba: Uint8ClampedArray }): void {
  if (drawn) return;
  preview = rgbaCanvas(image.rgba, image.width, image.height, 160, 'earlier Maximize Activation picture');
  const section = document.createElement('section');
  const title = document.createElement('h2');
  title.textContent = 'Feature visualization';
  const note = document.createElement('p');
  note.className = 'note';
  note.textContent = 'From an earlier Maximize Activation run of this unit, shown while its page is computed.';
  section.append(title, preview, note);
  page.replaceChildren(section);
}

async function exportPng(): Promise<void> {
  const s = panel.state;
  if (!drawn || !s) return;
  host.post({ type: 'exportPng', png: await canvasPng(pageCanvas()), suggestedName: `${s.modelName}-${s.layerId}-unit${s.unit}.png` });
}

panel.start({
  init: (msg, previous) => {
    settingsBar.show(msg.state.settings);
    // Another unit or other settings: the old page goes at once, so nothing of it is taken for the new one.
    if (!previous || previous.layerId !== msg.state.layerId || previous.unit !== msg.state.unit || previous.modelPath !== msg.state.modelPath || !sameSettings(previous, msg.state)) {
      generation++;
      view = undefined;
      drawn = undefined;
      preview = undefined;
      const hadFocus = page.contains(document.activeElement);
      page.replaceChildren();
      keepFocusOnPage(hadFocus);
    }
  },
  snapshot: () => ({
    canvas: pageCanvas(),
    meta: { ...(drawn?.meta ?? {}), ready: drawn ? 1 : 0, preview: preview ? 1 : 0, busy: cancel.hidden ? 0 : 1, status: document.getElementById('status')!.textContent ?? '',
      // What a window reload will revive the panel from (tests read it back).
      savedState: JSON.stringify(host.savedState() ?? null) },
  }),
  // This panel's "tiles" are its strongest inputs: each opens that unit, as a double-click on a tile elsewhere.
  openUnit: (index) => drawn?.inputLinks[index]?.click(),
  messages: {
    progress: (msg) => {
      if (progress.hidden) announcer.started(msg.message);
      else if (msg.fraction !== undefined) announcer.progress(msg.fraction, 1, () => msg.message);
      setBusy(true);
      status.loading(msg.message);
      // Without a fraction the strip slides (unit.css) and the bar has no value.
      setProgress(progress, msg.fraction, progressBar);
      progress.classList.toggle('indeterminate', msg.fraction === undefined);
    },
    page: (msg) => void showPage(msg.view),
    preview: (msg) => showPreview(msg.image),
    cancelled: (msg) => {
      setBusy(false);
      status.info(msg.message);
      announcer.ended(msg.message);
    },
    error: (msg) => {
      setBusy(false);
      announcer.ended(msg.message);
    },
    testCancel: () => cancel.click(),
    testSettings: (msg) => settingsBar.type(msg.input),
  },
});

function sameSettings(a: UnitPanelState, b: UnitPanelState): boolean {
  // A state saved before the header had settings has none.
  const x = a.settings as UnitPanelState['settings'] | undefined;
  return x?.preset === b.settings.preset && x.seeds === b.settings.seeds && x.k === b.settings.k;
}
