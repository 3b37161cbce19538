// Feature methods of the engine, one entry per feature; the base methods live in engineProtocol.ts.
import type { ActmaxFrame, ActmaxResult } from '../actmax';
import type { ActmaxParams } from '../actmaxProtocol';
import type { AttributionMap, AttributionParams, AttributionProgress } from '../attribution';
import type { AtlasRunParams, AtlasRunProgress, AtlasRunResult } from '../atlasProtocol';
import type { KernelsParams, KernelsResult } from '../kernelsProtocol';
import type {
  PytorchConvertParams,
  PytorchConvertResult,
  PytorchInspectParams,
  PytorchInspectResult,
  PythonProgress,
  TorchvisionExportParams,
  TorchvisionExportResult,
} from '../pytorchProtocol';
import type { TopkFindParams, TopkFindResult, TopkProgress } from '../topkProtocol';
import type { UnitPageParams, UnitPageProgress, UnitPageResult } from '../unitProtocol';
import type {
  FeatureMapsLayerParams,
  FeatureMapsLayerResult,
  FeatureMapsOpenParams,
  FeatureMapsOpenResult,
  FeatureMapsProgress,
} from '../featureMapsProtocol';

export interface EngineMethods {
  kernels: { params: KernelsParams; result: KernelsResult; progress: never };
  /** One forward pass for every layer of the model on the image: display input, per-layer stats, top 5. */
  'featureMaps.open': { params: FeatureMapsOpenParams; result: FeatureMapsOpenResult; progress: FeatureMapsProgress };
  /** One layer's values from the last pass (recomputed when the pass was too large to keep). */
  'featureMaps.layer': { params: FeatureMapsLayerParams; result: FeatureMapsLayerResult; progress: never };
  /** Top-k images of a folder for every channel of a layer (cached on disk), with thumbnails and crops to draw. */
  'topk.find': { params: TopkFindParams; result: TopkFindResult; progress: TopkProgress };
  /** One activation-maximization run (units as a batch); a frame every `frameEvery` steps as progress. */
  actmax: { params: ActmaxParams; result: ActmaxResult; progress: ActmaxFrame };
  /** One attribution map (why the model scored a target) for one image; costly methods report passes as progress. */
  'attribution.run': { params: AttributionParams; result: AttributionMap; progress: AttributionProgress };
  /** An atlas site (layer-lens atlas's work) written into a folder, resuming finished units; a cancel keeps them. */
  'atlas.run': { params: AtlasRunParams; result: AtlasRunResult; progress: AtlasRunProgress };
  /** What a .pt/.pth holds, read by the user's Python (the first candidate with torch). */
  'pytorch.inspect': { params: PytorchInspectParams; result: PytorchInspectResult; progress: PythonProgress };
  /** A TorchScript or pickled-module .pt/.pth converted to ONNX by the user's Python; cancel ends Python. */
  'pytorch.convert': { params: PytorchConvertParams; result: PytorchConvertResult; progress: PythonProgress };
  /** A torchvision classifier built by the user's Python and exported to ONNX with its sidecar. */
  'torchvision.export': { params: TorchvisionExportParams; result: TorchvisionExportResult; progress: PythonProgress };
  /** One unit's page (the atlas unit page's content) computed into a cache folder; a complete folder is read back. */
  'unit.page': { params: UnitPageParams; result: UnitPageResult; progress: UnitPageProgress };
}
