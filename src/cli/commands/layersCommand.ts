import { loadModel } from '../../core/node/loadModelFile';
import type { LayerInfo } from '../../shared/model';
import { displayKernelShape, displayShape, kernelOrderName, shapeLayoutName, type NativeLayout } from '../../shared/shapeText';
import { backendOption, parse, required } from '../cliArgs';
import { startBackend } from '../cliBackend';
import { assumedSizeLine, inputSizeOf, inputSizeOption } from '../inputSizeOption';

export const layersUsage = 'layer-lens layers --model M [--input-size H,W] [--json]';

export async function layersCommand(argv: string[]): Promise<void> {
  const values = parse(argv, { model: { type: 'string' }, json: { type: 'boolean' }, ...inputSizeOption, ...backendOption });
  const options = inputSizeOf(values);
  await startBackend(values.backend);
  const model = await loadModel(required(values, 'model'), options);
  try {
    if (values.json) {
      process.stdout.write(`${JSON.stringify(model.info, null, 2)}\n`);
      return;
    }
    const { info } = model;
    const runsAt = info.assumedInputSize ? `, ${assumedSizeLine(info.assumedInputSize)}` : '';
    const layout = info.nativeLayout;
    const inputLayout = shapeLayoutName(info.inputShape, layout);
    process.stdout.write(`${info.name} (${info.format}), input ${displayShape(info.inputShape, layout)}${inputLayout ? ` (${inputLayout})` : ''}${runsAt}, ${info.paramCount.toLocaleString('en')} parameters\n`);
    for (const layer of info.layers) process.stdout.write(`${row(layer, layout)}\n`);
  } finally {
    model.dispose();
  }
}

/** One layer; shapes in the model's framework order (NCHW and OIHW kernels for ONNX, as PyTorch prints them). */
function row(layer: LayerInfo, layout: NativeLayout): string {
  const depth = layer.id.split('.').length - 1;
  const kernel = layer.kernelShape
    ? `  kernel ${displayKernelShape(layer.kernelShape, layout, layer.kind)} (${kernelOrderName(layer.kernelShape, layout, layer.kind)})`
    : '';
  return `${'  '.repeat(layer.parent ? depth : 0)}${layer.id.padEnd(28)} ${layer.className.padEnd(18)} ${displayShape(layer.outputShape, layout).padEnd(16)} ${String(layer.paramCount).padStart(9)}${kernel}`;
}
