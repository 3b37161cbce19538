// The size a model runs at when its input does not fix one: the caller's option, else the sidecar's
// input.height/width, else DEFAULT_INPUT_SIZE (ImageNet's 224, the size most image models are trained at).
// The choice is recorded in ModelInfo.assumedInputSize so that every view can say what it assumed.
import { LayerLensError } from '../../shared/errors';
import type { AssumedInputSize } from '../../shared/model';
import type { ModelFiles } from '../io/modelFiles';
import { loadSidecar } from '../preprocess/loadSidecar';
import { parseSidecar } from '../preprocess/inputSpec';

export const DEFAULT_INPUT_SIZE = 224;

/** What the loader knows before it sees the model: the caller's size and the sidecar's. */
export interface InputSizeRequest {
  option?: [number, number];
  sidecar?: { height?: number; width?: number };
}

/**
 * The sidecar's height and width, when it sets any. A sidecar that cannot be read is ignored here: the same
 * sidecar is read again where an image is prepared, and refused there in one sentence.
 */
export async function sidecarInputSize(files: ModelFiles): Promise<{ height?: number; width?: number } | undefined> {
  try {
    const sidecar = await loadSidecar(files);
    if (!sidecar) return undefined;
    const { height, width } = parseSidecar(sidecar);
    return height === undefined && width === undefined ? undefined : { height, width };
  } catch {
    return undefined;
  }
}

/**
 * The assumed size for a model whose declared [height, width] has unknown (null) dimensions; undefined when
 * both are fixed. A requested size that contradicts a fixed dimension is refused.
 */
export function chooseInputSize(declared: [number | null, number | null], request: InputSizeRequest, path: string): AssumedInputSize | undefined {
  const [h, w] = declared;
  const option = request.option;
  if (option) {
    const [oh, ow] = option;
    if ((h !== null && h !== oh) || (w !== null && w !== ow)) {
      throw new LayerLensError('badArgument', `${path} takes a fixed input size of ${h ?? '?'}×${w ?? '?'}, so it cannot run at ${oh}×${ow}.`);
    }
  }
  if (h !== null && w !== null) return undefined;
  if (option) return { height: option[0], width: option[1], source: 'option' };
  const side = request.sidecar;
  if (side && (h !== null || side.height !== undefined) && (w !== null || side.width !== undefined)) {
    return { height: h ?? (side.height as number), width: w ?? (side.width as number), source: 'sidecar' };
  }
  return { height: h ?? DEFAULT_INPUT_SIZE, width: w ?? DEFAULT_INPUT_SIZE, source: 'default' };
}

/** One line for listings and warnings: "224×224 (Layer Lens's default; …)". */
export function describeAssumedSize(size: AssumedInputSize): string {
  const why =
    size.source === 'option' ? 'as requested' : size.source === 'sidecar' ? 'from the sidecar' : "Layer Lens's default; set input.height and input.width in the sidecar or pass another size";
  return `${size.height}×${size.width} (${why})`;
}
