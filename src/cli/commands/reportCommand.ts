import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadModel } from '../../core/node/loadModelFile';
import { backendOption, parse, required } from '../cliArgs';
import { startBackend } from '../cliBackend';
import { writeFileAtomic } from '../outputFiles';
import { escapeHtml, page } from '../report/html';
import { actmaxSection } from '../report/actmaxSection';
import { featureMapsSection } from '../report/featureMapsSection';
import { kernelsSection } from '../report/kernelsSection';
import type { ReportSection } from '../report/reportTypes';
import { topkSection } from '../report/topkSection';
import { summarySection } from '../report/summarySection';

export const reportUsage = 'layer-lens report --model M --out DIR [--images DIR]';

/** Sections in page order; each feature adds its own. */
const SECTIONS: ReportSection[] = [summarySection, kernelsSection, featureMapsSection, actmaxSection, topkSection];

const IMAGE_EXT = /\.(png|jpe?g|webp|gif|bmp)$/i;

export async function reportCommand(argv: string[]): Promise<void> {
  const values = parse(argv, { model: { type: 'string' }, out: { type: 'string' }, images: { type: 'string' }, quiet: { type: 'boolean' }, ...backendOption });
  const modelPath = resolve(required(values, 'model'));
  const outDir = resolve(required(values, 'out'));
  const status = await startBackend(values.backend);
  const model = await loadModel(modelPath);
  const imagesDir = typeof values.images === 'string' ? resolve(values.images) : join(dirname(modelPath), 'samples');
  const images = existsSync(imagesDir) ? readdirSync(imagesDir).filter((f) => IMAGE_EXT.test(f)).sort().map((f) => join(imagesDir, f)) : [];
  const log = (m: string) => values.quiet || process.stderr.write(`${m}\n`);
  try {
    const started = Date.now();
    const parts: string[] = [];
    for (const section of SECTIONS) parts.push(await section({ model, modelPath, outDir, images, log }));
    const header = `<h1>Layer Lens report: ${escapeHtml(model.info.name)}</h1>
<p class="note">${escapeHtml(modelPath)} · backend ${escapeHtml(status.detail)} · ${new Date().toISOString()} · ${((Date.now() - started) / 1000).toFixed(1)} s</p>`;
    const index = join(outDir, 'index.html');
    writeFileAtomic(index, page(`Layer Lens — ${model.info.name}`, `${header}\n${parts.join('\n')}`));
    process.stdout.write(`${index}\n`);
  } finally {
    model.dispose();
  }
}
