// "Find Top Images…" across rooms: what the host asks the engine for (top-k of a folder for every channel of a
// layer, with pictures ready to draw), the progress it reports, and the messages between the host and the
// Top Images webview. Pixels travel as typed arrays; the payload is capped (see TOPK_PICTURE_BUDGET_BYTES).
import type { InputSize } from './inputSize';
import type { TopkResult } from './topk';
import type { CommonFromWebview, CommonToWebview } from './protocol/webviewProtocol';
import type { RgbaImage } from './rgbaImage';

/** Most images per channel the panel asks for: a row stays readable and the payload bounded. */
export const TOPK_MAX_K = 16;
export const TOPK_DEFAULT_K = 9;
/** Most images per top-k forward pass anyone may ask for (the engine's params, `layer-lens topk --batch`). */
export const TOPK_MAX_BATCH = 1024;
/** Upper bound of the pixels one result carries to the host and the webview (thumbnails + crops). */
export const TOPK_PICTURE_BUDGET_BYTES = 32 * 1024 * 1024;

export interface TopkFindParams {
  modelPath: string;
  layerId: string;
  /** Searched recursively for PNG, JPEG, WebP, GIF and BMP files. */
  folder: string;
  /** 1..TOPK_MAX_K. */
  k: number;
  /** Folder of the on-disk cache (the extension's global storage + '/topk'). */
  cacheDir: string;
  /** Images per forward pass; chosen from the layer sizes when absent (tests set it to get many batches). */
  batchSize?: number;
  /** Overrides the picture budget (tests). */
  pictureBudgetBytes?: number;
  /**
   * [height, width] to run a model that does not fix its input size at (8 to 1024 px a side); absent: its sidecar's
   * size or the default. A model with a fixed size refuses another one.
   */
  inputSize?: [number, number];
}

/** Where the size an any-size model ran at came from: typed in a panel, the model's sidecar, or Layer Lens's default. */
export type TopkInputSizeSource = 'chosen' | 'sidecar' | 'default';

/** The size every image of the folder was run at, for a model that does not fix its input size, and why. */
export interface TopkInputSizeInfo extends InputSize {
  source: TopkInputSizeSource;
}

/**
 * Files listed (and the model made ready), images scored so far, then pictures prepared; `message` is a line for
 * the notification and the panel ("listing… 1,234 files", "ranking 300 / 2,000 · ETA 12 s").
 */
export interface TopkProgress {
  done: number;
  total: number;
  message: string;
  phase: 'list' | 'score' | 'pictures';
}

/**
 * Pixels for the panel. One thumbnail per distinct file of the result (what the model sees, RGBA). When the
 * thumbnails are at the model's input size (`thumbScale` 1) the webview crops them itself and `crops` is absent;
 * when the budget forced smaller thumbnails, every entry also gets its crop at up to `crops.side` pixels.
 */
export interface TopkPictures {
  /** Files that have a thumbnail, in first-use order (channel 0 entry 0 first). */
  files: string[];
  thumbWidth: number;
  thumbHeight: number;
  /** Thumbnail pixels per model-input pixel (1, or less when scaled down to fit the budget). */
  thumbScale: number;
  /** files.length × thumbHeight × thumbWidth × 4. */
  thumbs: Uint8ClampedArray;
  /** Per slot (channel c, rank i → c·k + i): index into `files`, −1 where the channel has fewer entries or the file failed. */
  thumbIndex: Int32Array;
  crops?: {
    /** Each slot owns side × side × 4 bytes; its crop fills the top-left `cropSize` pixels. */
    side: number;
    /** Per slot: width, height of its crop (0, 0 for none). */
    cropSize: Int32Array;
    rgba: Uint8ClampedArray;
  };
  /** Files whose pictures could not be made (changed or deleted since they were scored): one sentence each. */
  failed: { file: string; reason: string }[];
}

export interface TopkFindResult {
  modelName: string;
  folder: string;
  result: TopkResult;
  pictures: TopkPictures;
  /** Present only for a model that does not fix its input size (the panel then shows the size field). */
  inputSize?: TopkInputSizeInfo;
}

export type TopkSort = 'index' | 'top';
export const TOPK_SORTS: readonly TopkSort[] = ['index', 'top'];

/** What the panel needs to come back after a window reload (the result itself is recomputed, from the cache). */
export interface TopkPanelState {
  modelPath: string;
  modelName: string;
  layerId: string;
  folder: string;
  k: number;
  sort: TopkSort;
  /** Dead channels after the live ones (the default), or every channel in the sort's own order. */
  deadLast: boolean;
  /** The size chosen for a model that does not fix its input size; absent: its sidecar's size or the default. */
  inputSize?: InputSize;
}

/** An activation-maximization picture of one channel, shown at the start of its row. */
export interface TopkActmaxImage extends RgbaImage {
  channel: number;
}

export type TopkToWebview =
  | CommonToWebview
  | { type: 'init'; state: TopkPanelState; backend: string }
  | { type: 'result'; result: TopkFindResult }
  /** Not an error: e.g. the run was cancelled. */
  | { type: 'info'; message: string }
  | { type: 'actmax'; images: TopkActmaxImage[] }
  /**
   * The size the model runs at now, chosen in this panel or another (absent: none chosen), sent after every result
   * and whenever it changes: the field shows it, and results found at another size say so and offer to run again.
   */
  | { type: 'modelSize'; size?: InputSize }
  /** Tests only (a hidden command): move the mouse, scroll or click in the grid as a user would. */
  | { type: 'testAction'; action: TopkTestAction };

/**
 * What the hidden test command does in the grid: hover the first image of a display row, scroll down by whole
 * rows (the mouse staying where it is), click the actmax tile of a display row, click the dead-channels toggle,
 * type into the input size field, or click the size notice's Run again.
 */
export type TopkTestAction =
  | { kind: 'hoverThumb'; row: number }
  | { kind: 'scrollRows'; rows: number }
  | { kind: 'clickActmax'; row: number }
  /** Click the toolbar's "Dead channels last" toggle. */
  | { kind: 'toggleDeadLast' }
  /** Type `text` into the input size field and press Enter. */
  | { kind: 'typeInputSize'; text: string }
  /** Click "Run again" of the notice that the model's size changed since the results were found. */
  | { kind: 'clickRunAgain' };

export type TopkFromWebview =
  | CommonFromWebview
  | { type: 'setSort'; sort: TopkSort }
  | { type: 'setDeadLast'; deadLast: boolean }
  /** A size typed in the input size field: run the folder again at it (checked again by the host). */
  | { type: 'setInputSize'; size: InputSize }
  /** Click on an image: open the file in VS Code. */
  | { type: 'openFile'; file: string }
  /** The small button on an image: Feature Maps of this model on that file. */
  | { type: 'showFeatureMaps'; file: string }
  /** "Choose Folder…": run again on another folder. */
  | { type: 'pickFolder' }
  /** The empty actmax tile of a channel: run activation maximization of that channel. */
  | { type: 'runActmax'; channel: number };
