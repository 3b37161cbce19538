// Node-only: where a PyTorch file (.pt/.pth: TorchScript, a pickled module or a state dict) goes when a model is
// opened. The format check routes it here; the conversion through the user's Python fills `openPytorchModel`.
import { LayerLensError } from '../../shared/errors';
import type { ModelFormatKind } from '../../shared/modelFormat';
import { FORMAT_NAMES } from '../../shared/modelFormatAdvice';
import { quoteName } from '../../shared/userText';
import type { LoadedModel } from '../model/loadedModel';
import type { ModelLoadOptions } from '../model/loadOptions';

export type PytorchOpener = (path: string, kind: ModelFormatKind, options: ModelLoadOptions) => Promise<LoadedModel>;

let opener: PytorchOpener | undefined;

/** Installed by the PyTorch conversion (it converts to ONNX with the user's Python and loads the ONNX). */
export function setPytorchOpener(open: PytorchOpener | undefined): void {
  opener = open;
}

export function openPytorchModel(path: string, kind: ModelFormatKind, options: ModelLoadOptions): Promise<LoadedModel> {
  if (opener) return opener(path, kind, options);
  const file = quoteName(path, 200);
  return Promise.reject(new LayerLensError(
    'notAModel',
    `${file} is ${FORMAT_NAMES[kind]}; convert it to ONNX with \`layer-lens convert --model ${file} --input-shape 1,3,224,224 --out model.onnx\` (your model's input shape) and open the .onnx.`,
  ));
}
