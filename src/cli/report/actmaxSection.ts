import { join } from 'node:path';
import { renderActmax } from '../../core/actmax/render';
import { encodePng } from '../../core/image/encodePng';
import { modelInputSpec } from '../../core/node/imageFiles';
import { composeImageGrid } from '../../core/render/imageGrid';
import type { ActmaxRequest } from '../../shared/actmax';
import { fileSafe, writeFileAtomic } from '../outputFiles';
import { escapeHtml, figure } from './html';
import type { ReportContext, ReportSection } from './reportTypes';

/** Steps per image in the report: enough for a clear picture on a small model, short enough for a demo. */
const REPORT_STEPS = 256;
/** Units optimized together in one batch. */
const BATCH = 16;

/** The seed's GoogLeNet gallery, for the report's model: every channel of its last conv layer, and every class. */
export const actmaxSection: ReportSection = async (ctx) => {
  const { model } = ctx;
  const convs = model.info.layers.filter((l) => l.kind === 'conv' && l.kernelShape);
  const lastConv = convs[convs.length - 1];
  const parts: string[] = [];
  if (lastConv) {
    const channels = lastConv.kernelShape![3];
    const units = Array.from({ length: Math.min(channels, 64) }, (_, i) => i);
    const file = await atlas(ctx, { layerId: lastConv.id, units, preset: 'lucid', overrides: { steps: REPORT_STEPS } }, `atlas-${fileSafe(lastConv.id)}.png`);
    parts.push(`<h3>${escapeHtml(lastConv.id)}: every channel</h3>${figure(file.name, `${units.length} channels, preset lucid, ${REPORT_STEPS} steps, ${file.msPerStep.toFixed(1)} ms/step`)}`);
  }
  const logitsId = model.info.logitsId;
  const logits = logitsId ? model.info.layers.find((l) => l.id === logitsId) : undefined;
  const classes = logits ? Number(logits.outputShape[logits.outputShape.length - 1]) : 0;
  if (logitsId && classes > 0 && classes <= 100) {
    const units = Array.from({ length: classes }, (_, i) => i);
    const file = await atlas(ctx, { layerId: logitsId, units, preset: 'lucid', objective: { kind: 'classLogit', layerId: logitsId }, overrides: { steps: REPORT_STEPS } }, 'classes.png');
    parts.push(`<h3>Class logits ${escapeHtml(logitsId)}: one image per class</h3>${figure(file.name, `classes 0–${classes - 1}, preset lucid, ${REPORT_STEPS} steps`)}`);
  }
  if (parts.length === 0) return '';
  return `<section><h2>Activation maximization</h2><p class="note">Images optimized to excite one unit each (Fourier parameterization, color decorrelation, Lucid's standard transforms, Adam). Reproduce one with <code>layer-lens actmax --model M --layer L --unit K</code>.</p>\n${parts.join('\n')}</section>`;
};

async function atlas(ctx: ReportContext, request: ActmaxRequest, name: string): Promise<{ name: string; msPerStep: number }> {
  const inputSpec = await modelInputSpec(ctx.model);
  const pictures = [];
  let ms = 0;
  for (let i = 0; i < request.units.length; i += BATCH) {
    const units = request.units.slice(i, i + BATCH);
    const result = await renderActmax(ctx.model, { ...request, units, inputSpec });
    ms = result.msPerStep;
    for (const rgba of result.images) pictures.push({ width: result.width, height: result.height, rgba });
    ctx.log(`actmax ${request.layerId} units ${units[0]}–${units[units.length - 1]}: ${result.msPerStep.toFixed(1)} ms/step`);
  }
  const scale = pictures[0] && pictures[0].width < 64 ? 3 : 1;
  const grid = composeImageGrid(pictures, { scale, gap: 3, columns: Math.min(pictures.length, 8), background: [255, 255, 255, 255] });
  writeFileAtomic(join(ctx.outDir, name), encodePng(grid.rgba, grid.width, grid.height));
  return { name, msPerStep: ms };
}
