// The feature maps feature across rooms: what the host asks the engine for (one forward pass for every
// layer, answered with the first layer's values; then another layer's values on demand) and the messages between the host and the feature maps webview.
// Typed arrays throughout: they cross both boundaries as binary, never as JSON number lists.
import type { ChannelStats, Prediction } from './activations';
import type { AttributionMap, AttributionOptions, AttributionProgress } from './attribution';
import type { ColormapName } from './colormap';
import type { InputSize } from './inputSize';
import type { InputSpec, LayerKind, ModelInfo } from './model';
import type { CommonFromWebview, CommonToWebview } from './protocol/webviewProtocol';
import type { NormalizationName, ResizeMode } from './preprocessing';

/** What the panel's preprocessing controls ask for over the sidecar and the defaults; an absent field leaves them. */
export interface PreprocessChoice {
  resize?: ResizeMode;
  normalize?: NormalizationName;
}

/** The preprocessing a pass applied: the line the panel shows and the values its controls start from. */
export interface AppliedPreprocessing {
  /** "resize shorter side to 256, center crop 224 · torchvision mean/std · default for ImageNet models". */
  line: string;
  resize: ResizeMode;
  /** The normalization's name, when its numbers are a named one's. */
  normalize?: NormalizationName;
}

export interface FeatureMapsOpenParams {
  modelPath: string;
  imagePath: string;
  /** Overrides of the model's input spec (settings); the sidecar and the input shape give the rest. */
  inputSettings?: Partial<InputSpec>;
  /** Layers to compute (a chosen set); every layer but the input when absent. */
  layerIds?: string[];
  /**
   * The layer whose values come with the answer (`firstLayer`), so the panel draws after one round trip: the one it
   * shows; absent or not in the pass, the one shownLayerOf() picks.
   */
  layerId?: string;
}

/** Progress of the forward pass: layers read back so far. */
export interface FeatureMapsProgress {
  done: number;
  total: number;
  message?: string;
}

/** One layer as the grid needs it before its values arrive: its geometry and per-channel stats. */
export interface FeatureLayerSummary {
  id: string;
  kind: LayerKind;
  /** The layer's output shape, batch first, channels last (NHWC, or [N, C] for vectors). */
  shape: number[];
  /** The shape as a grid of maps: `channels` maps of `height` × `width` ([N, C] is C maps of 1 × 1). */
  height: number;
  width: number;
  channels: number;
  stats: ChannelStats;
  note?: string;
}

export interface FeatureMapsOpenResult {
  modelName: string;
  imageName: string;
  /** The image as the model sees it (resized, cropped or padded, normalization undone), RGBA. */
  input: { width: number; height: number; rgba: Uint8ClampedArray };
  /** Why the input has its size, when the model does not fix one (sidecar, default, the image's own size). */
  inputSizeNote?: string;
  /** How the image became the input (resize, normalization) and where that came from. */
  preprocessing?: AppliedPreprocessing;
  /** Size of the decoded file, before fitting it to the model's input. */
  imageWidth: number;
  imageHeight: number;
  /** Every layer but the input, in the model's order. */
  layers: FeatureLayerSummary[];
  /** The model's own framework layout: shapes are shown in it (NCHW for ONNX); `shape` and the values stay NHWC. */
  nativeLayout: ModelInfo['nativeLayout'];
  /** The five most likely classes when the model is a classifier (a vector output with more than one class); else empty. */
  predictions: Prediction[];
  /** Milliseconds of the forward pass (including reading the outputs back). */
  forwardMs: number;
  /** The values of the layer shown first (see FeatureMapsOpenParams.layerId); absent when the pass has no layer. */
  firstLayer?: FeatureMapsLayerResult;
}

/** The layer a pass shows first: the one asked for when the pass has it, else the first with maps larger than 1 × 1. */
export function shownLayerOf<L extends Pick<FeatureLayerSummary, 'id' | 'height' | 'width'>>(layers: readonly L[], wanted?: string): L | undefined {
  return layers.find((l) => l.id === wanted) ?? layers.find((l) => l.height * l.width > 1) ?? layers[0];
}

export interface FeatureMapsLayerParams {
  modelPath: string;
  imagePath: string;
  layerId: string;
  inputSettings?: Partial<InputSpec>;
}

export interface FeatureMapsLayerResult {
  layerId: string;
  height: number;
  width: number;
  channels: number;
  /** Row-major H × W × C values (channels last), as the layer produced them for batch item 0. */
  data: Float32Array;
}

export type FeatureMapSort = 'index' | 'mean' | 'max';
export type FeatureMapNormalize = 'channel' | 'layer';

export const FEATURE_MAP_SORTS: readonly FeatureMapSort[] = ['index', 'mean', 'max'];
export const FEATURE_MAP_NORMALIZATIONS: readonly FeatureMapNormalize[] = ['channel', 'layer'];
/** The colormaps the panel offers (a subset of src/shared/colormap.ts). */
export const FEATURE_MAP_COLORMAPS: readonly ColormapName[] = ['viridis', 'magma', 'gray'];

/** Everything the feature maps panel needs to redraw itself after a window reload. */
export interface FeatureMapsPanelState {
  modelPath: string;
  modelName: string;
  imagePath: string;
  imageName: string;
  layerId: string;
  colormap: ColormapName;
  sort: FeatureMapSort;
  normalize: FeatureMapNormalize;
  /** Overlay opacity of the detail view, 0..1. */
  opacity: number;
  /** Channel shown in the detail view, -1 for none. */
  channel: number;
  /** The size the user asked a model without a fixed input size to run at; the engine chooses when absent. */
  inputSize?: InputSize;
  /** The resize and normalization the user picked in the panel; the sidecar or the defaults decide when absent. */
  preprocessing?: PreprocessChoice;
}

/** The Explain section shows two maps side by side: each request and answer names its slot. */
export type ExplainSlot = 0 | 1;

/** Tests only: what the Explain section should do, as a user would with its controls. */
export type ExplainTestAction =
  | { kind: 'run'; slot: ExplainSlot; options: AttributionOptions }
  | { kind: 'cancel'; slot: ExplainSlot }
  /** A click on the slot's Export PNG (the host writes where the test said, without a dialog). */
  | { kind: 'export'; slot: ExplainSlot }
  /** A click on the rank-th row (0 first) of the top predictions. */
  | { kind: 'clickPrediction'; rank: number };

export type FeatureMapsToWebview =
  | CommonToWebview
  /** Passes of a costly attribution so far (IG steps, SmoothGrad samples, occlusion windows). */
  | { type: 'explainProgress'; slot: ExplainSlot; requestId: number; progress: AttributionProgress }
  /** The map for a request; `cached` when the host had it already and the engine ran nothing. */
  | { type: 'explainResult'; slot: ExplainSlot; requestId: number; map: AttributionMap; cached: boolean }
  /** The request failed or was cancelled (`cancelled`): the slot shows the sentence. */
  | { type: 'explainError'; slot: ExplainSlot; requestId: number; message: string; cancelled: boolean }
  | { type: 'explainTest'; action: ExplainTestAction }
  | { type: 'init'; state: FeatureMapsPanelState; backend: string }
  /** A new image or model is being computed: drop what is drawn. */
  | { type: 'clear' }
  | { type: 'summary'; result: FeatureMapsOpenResult }
  | { type: 'layer'; result: FeatureMapsLayerResult }
  /** The tree (or a command) picked a layer: select it as if picked in the panel. */
  | { type: 'showLayer'; layerId: string }
  /** Tests only: type this into the input size field and apply it, as a user would. */
  | { type: 'typeInputSize'; text: string }
  /** Tests only: pick this resize and normalization in the panel's selects, as a user would. */
  | { type: 'choosePreprocessing'; choice: PreprocessChoice };

export type FeatureMapsFromWebview =
  | CommonFromWebview
  /** Explain the shown image with one method for one target; a newer request on the slot replaces it. */
  | { type: 'explain'; slot: ExplainSlot; requestId: number; options: AttributionOptions }
  /** Stop the slot's running request. */
  | { type: 'cancelExplain'; slot: ExplainSlot }
  /** Fetch a layer's values (the webview caches a few; picking a layer asks for it once). */
  | { type: 'requestLayer'; layerId: string }
  /** The webview's view options changed: the host keeps them for the title and for showLayer. */
  | { type: 'setState'; state: FeatureMapsPanelState }
  /** "Choose image…": the host shows an open dialog and recomputes. */
  | { type: 'pickImage' }
  /** The user changed the input size of a model that does not fix one: the host recomputes at that size. */
  | { type: 'setInputSize'; size: InputSize }
  /** The user picked a resize or normalization: the host recomputes with it. */
  | { type: 'setPreprocessing'; choice: PreprocessChoice };
