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
    // Columns as wide as their longest entry (a module path such as features.denseblock2.denselayer1.conv1, a class
    // such as GlobalAveragePooling2D), so each column starts at the same place on every row.
    const widths: ColumnWidths = {
      id: Math.max(28, ...info.layers.map((l) => indentOf(l).length + l.id.length)),
      className: Math.max(18, ...info.layers.map((l) => l.className.length)),
      shape: Math.max(16, ...info.layers.map((l) => displayShape(l.outputShape, layout).length)),
    };
    for (const layer of info.layers) process.stdout.write(`${row(layer, layout, widths)}\n`);
  } finally {
    model.dispose();
  }
}

interface ColumnWidths {
  id: number;
  className: number;
  shape: number;
}

/** A module's rows are indented by its depth in the module tree. */
function indentOf(layer: LayerInfo): string {
  return layer.parent ? '  '.repeat(layer.id.split('.').length - 1) : '';
}

/** One layer; shapes in the model's framework order (NCHW and OIHW kernels for ONNX, as PyTorch prints them). */
function row(layer: LayerInfo, layout: NativeLayout, widths: ColumnWidths): string {
  const kernel = layer.kernelShape
    ? `  kernel ${displayKernelShape(layer.kernelShape, layout, layer.kind)} (${kernelOrderName(layer.kernelShape, layout, layer.kind)})`
    : '';
  return `${`${indentOf(layer)}${layer.id}`.padEnd(widths.id)} ${layer.className.padEnd(widths.className)} ${displayShape(layer.outputShape, layout).padEnd(widths.shape)} ${String(layer.paramCount).padStart(9)}${kernel}`;
}
