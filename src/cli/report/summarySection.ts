import type { ReportSection } from './reportTypes';
import { escapeHtml } from './html';

export const summarySection: ReportSection = async ({ model }) => {
  const { info } = model;
  const rows = info.layers
    .map((l) => `<tr><td>${escapeHtml(l.id)}</td><td>${escapeHtml(l.className)}</td><td>${l.outputShape.map((d) => d ?? '?').join('×')}</td><td>${l.paramCount.toLocaleString('en')}</td><td>${l.kernelShape ? l.kernelShape.join('×') : ''}</td></tr>`)
    .join('\n');
  return `<section><h2>Model</h2>
<p>${escapeHtml(info.name)} — ${info.format} model, input ${info.inputShape.map((d) => d ?? '?').join('×')} (NHWC), ${info.paramCount.toLocaleString('en')} parameters.</p>
<table><tr><th>layer</th><th>class</th><th>output</th><th>parameters</th><th>kernel (HWIO)</th></tr>
${rows}
</table></section>`;
};
