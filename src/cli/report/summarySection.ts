import type { ReportSection } from './reportTypes';
import { escapeHtml } from './html';
import { displayKernelShape, displayShape, shapeLayoutName } from '../../shared/shapeText';

export const summarySection: ReportSection = async ({ model }) => {
  const { info } = model;
  // Shapes in the model's framework order: NCHW and OIHW kernels for ONNX (as PyTorch prints them), NHWC and HWIO for TF.js.
  const layout = info.nativeLayout;
  const rows = info.layers
    .map((l) => `<tr><td>${escapeHtml(l.id)}</td><td>${escapeHtml(l.className)}</td><td>${displayShape(l.outputShape, layout)}</td><td>${l.paramCount.toLocaleString('en')}</td><td>${l.kernelShape ? displayKernelShape(l.kernelShape, layout, l.kind) : ''}</td></tr>`)
    .join('\n');
  const inputLayout = shapeLayoutName(info.inputShape, layout);
  // Keras's depthwise kernels [kh, kw, C, multiplier] read as HWIO with O the multiplier.
  const kernelOrder = layout === 'NCHW' ? 'OIHW' : 'HWIO';
  return `<section><h2>Model</h2>
<p>${escapeHtml(info.name)} — ${info.format} model, input ${displayShape(info.inputShape, layout)}${inputLayout ? ` (${inputLayout})` : ''}, ${info.paramCount.toLocaleString('en')} parameters.</p>
<table><tr><th>layer</th><th>class</th><th>output (${layout} for maps)</th><th>parameters</th><th>kernel (${kernelOrder})</th></tr>
${rows}
</table></section>`;
};
