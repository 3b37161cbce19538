// What `activate` returns. The real-VS-Code test suites drive and observe the extension through it;
// nothing here is needed by users, so it stays small and read-mostly.
import type { BackendStatus } from '../shared/backend';
import type { ExplainTestAction } from '../shared/featureMapsProtocol';
import type { ModelInfo } from '../shared/model';
import type { EngineMethod, ParamsOf, ProgressOf, ResultOf } from '../shared/protocol/engineProtocol';
import type { UnitPageSettings, UnitSettingsInput } from '../shared/unitProtocol';
import type { ModelRowView } from './tree/layersTree';

export type PanelKind = 'kernels' | 'featureMaps' | 'actmax' | 'topk' | 'unit';

/** RGBA pixels of the main canvas of a panel, read back from the webview. */
export interface CanvasSnapshot {
  width: number;
  height: number;
  /** Row-major RGBA, 4 bytes a pixel. */
  rgba: Uint8Array;
  /** Panel-specific facts drawn on that canvas (e.g. tile size and count for the kernels grid). */
  meta: Record<string, number | string>;
}

/** One quick pick a command showed: its title, question and items in the order offered. */
export interface OfferedQuickPick {
  title: string;
  placeHolder: string;
  items: { label: string; description: string }[];
}

export interface ActmaxPanelIdentity {
  modelPath: string;
  modelName: string;
  layerId: string;
  view: 'single' | 'atlas';
  preset: string;
  title: string;
}

export interface LayerLensApi {
  /** Starts the engine if needed and returns the backend it runs. */
  backendStatus(): Promise<BackendStatus>;
  /** The text of the backend status bar item. */
  statusBarText(): string;
  /** The backend status bar item's tooltip as plain text, one entry a line. */
  statusBarTooltip(): string;
  /** The model the Layers view shows (loads it when needed). */
  activeModel(): Promise<ModelInfo | undefined>;
  /** Labels of the Layers view's root items (models) and, for the active model, its layers' labels and descriptions (output shapes). */
  layersViewLabels(): Promise<{ models: string[]; layers: string[]; descriptions: string[] }>;
  /** Whether the Layers view is shown in the workbench now. */
  layersViewVisible(): boolean;
  /** A model's row in the Layers view (label, description, icon id, tooltip) and its child rows' labels. */
  layersViewModel(modelPath: string): Promise<ModelRowView | undefined>;
  /**
   * Pixels of the open panel of that kind (for actmax: of that model's panel), or undefined when none is open;
   * `part` 'explain': the feature maps panel's Explain overlays side by side instead of its grid.
   */
  panelSnapshot(kind: PanelKind, modelPath?: string, part?: 'explain'): Promise<CanvasSnapshot | undefined>;
  /** Acts in the open feature maps panel's Explain section as a user would; false when no panel is open. */
  explainInFeatureMaps(action: ExplainTestAction): boolean;
  /** Clicks Export PNG of the open feature maps panel's Explain slot, writing to `path` with no prompt; false when no panel is open. */
  exportExplainPng(slot: 0 | 1, path: string): boolean;
  /** Attribution runs the open feature maps panel sent to the engine (a kept map runs none). */
  featureMapsExplainRuns(): number;
  /** The open Feature Maps panel's engine requests so far: `open` per image pass, `layer` per other layer fetched. */
  featureMapsEngineRequests(): { open: number; layer: number };
  /** User-facing error, warning and information sentences shown since activation, newest last. */
  shownMessages(): readonly string[];
  /** Moves the mouse over the first cell of the open kernels grid; false when no kernels panel is open. */
  hoverFirstKernel(): boolean;
  /** Types `text` into the open feature maps panel's input size field and applies it; false when no panel is open. */
  typeFeatureMapsInputSize(text: string): boolean;
  /** Types `text` into the current actmax panel's input size field and applies it; false when no panel is open. */
  typeActmaxInputSize(text: string): boolean;
  /** Picks a resize and normalization in the open feature maps panel's selects; false when no panel is open. */
  chooseFeatureMapsPreprocessing(choice: { resize?: string; normalize?: string }): boolean;
  /** The engine process's id while one runs (tests end it to check the extension recovers). */
  enginePid(): number | undefined;
  /** One engine request as the panels send it (tests time a short request beside a long one). */
  engineRequest<M extends EngineMethod>(method: M, params: ParamsOf<M>, onProgress?: (p: ProgressOf<M>) => void): Promise<ResultOf<M>>;
  /** Labels that answer the commands' next quick picks, in order (an exhausted list dismisses); undefined: the user. */
  answerQuickPicks(labels: string[] | undefined): void;
  /** The commands' quick picks shown since activation, newest last. */
  offeredQuickPicks(): readonly OfferedQuickPick[];
  /** The model file the open panel of that kind shows. */
  panelModel(kind: PanelKind): string | undefined;
  /**
   * Double-clicks the unit tile at `index` (view order) in that panel; false when no such panel is open. In the
   * Unit panel: clicks its strongest input at `index` (a link to that unit).
   */
  openUnitFromPanel(kind: PanelKind, index: number): boolean;
  /** The unit the Unit panel shows, when one is open. */
  unitPanelTarget(): { modelPath: string; layerId: string; unit: number } | undefined;
  /** Presses the Unit panel's Cancel button; false when no Unit panel is open. */
  cancelUnitPage(): boolean;
  /** Unit pages computed by the engine since activation (a page read from the cache counts none). */
  unitEngineRuns(): number;
  /** The settings each of those `unit.page` requests carried, oldest first. */
  unitEngineSettings(): UnitPageSettings[];
  /** Types into the Unit panel header's fields (preset, seeds, k) and changes them; false when no Unit panel is open. */
  typeUnitSettings(input: UnitSettingsInput): boolean;
  /** Closes the Unit panel and revives it from the state its webview saved, as a window reload does; false when none. */
  reloadUnitPanel(): Promise<boolean>;
  /** What each open actmax panel holds. */
  actmaxPanels(): ActmaxPanelIdentity[];
  /** Closes a model's actmax panel and revives it from its saved state, as a window reload does; false when none. */
  reloadActmaxPanel(modelPath: string): Promise<boolean>;
  /** Answers for the next input boxes and message buttons of the PyTorch flows, in order (quick picks: answerQuickPicks). */
  answerPrompts(answers: string[]): void;
  /** Engine requests that ran the user's Python since activation (a cached .pt opens with none). */
  pythonRuns(): number;
  /** The extension's global storage folder (converted models, torchvision exports): tests start from an empty cache. */
  storageDir(): string;
}
