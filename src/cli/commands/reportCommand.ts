import { basename, join, resolve } from 'node:path';
import { loadModel } from '../../core/node/loadModelFile';
import { LayerLensError } from '../../shared/errors';
import { backendOption, parse, required } from '../cliArgs';
import { startBackend } from '../cliBackend';
import { escapeHtml } from '../report/html';
import { listSampleImages, parseReportChoices, resolveLayers } from '../report/reportChoices';
import { checkReportTarget, stageReport } from '../report/reportFolder';
import { writeReport, type ReportOutcome } from '../report/writeReport';

export const reportUsage = 'layer-lens report --model M --out DIR [--layers ID,ID|N] [--steps N] [--images N] [--samples DIR]';

/** Exit status of a run stopped by Ctrl-C or SIGTERM, as shells report a signal (128 + SIGINT). */
const INTERRUPTED = 130;

/**
 * Writes an HTML report (model table, kernels, feature maps, activation maximization, dataset examples) into
 * --out. A part that fails says why inside the report and the rest still runs; the run then exits 0 with one
 * warning line on stderr naming the failed parts. The report appears in --out only when complete.
 */
export async function reportCommand(argv: string[]): Promise<void> {
  const values = parse(argv, {
    model: { type: 'string' }, out: { type: 'string' }, images: { type: 'string' }, samples: { type: 'string' },
    layers: { type: 'string' }, steps: { type: 'string' }, quiet: { type: 'boolean' }, ...backendOption,
  });
  const modelPath = resolve(required(values, 'model'));
  const outDir = resolve(required(values, 'out'));
  const choices = parseReportChoices(values);
  checkReportTarget(outDir);
  const log = (m: string) => values.quiet || process.stderr.write(`${m}\n`);

  // Ctrl-C stops the work between steps and removes what was written; a second one kills at once.
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const status = await startBackend(values.backend);
    const model = await loadModel(modelPath);
    try {
      const layers = resolveLayers(choices.layers, model.info, modelPath);
      const images = listSampleImages(choices, modelPath);
      if (abort.signal.aborted) interrupted(outDir);
      const staged = stageReport(outDir);
      let outcome: ReportOutcome;
      try {
        outcome = await writeReport(
          { model, modelPath, outDir: staged.dir, images, layers, steps: choices.steps, backend: status.active, signal: abort.signal, log },
          (seconds) => `<h1>Layer Lens report: ${escapeHtml(model.info.name)}</h1>
<p class="note">${escapeHtml(modelPath)} · backend ${escapeHtml(status.detail)} · ${new Date().toISOString()} · ${seconds.toFixed(1)} s</p>`,
        );
        if (abort.signal.aborted) throw new LayerLensError('cancelled', 'The report was interrupted.');
      } catch (e) {
        staged.discard();
        if (abort.signal.aborted) interrupted(outDir);
        throw e;
      }
      staged.commit();
      warn(outcome, outDir);
      process.stdout.write(`${join(outDir, basename(outcome.index))}\n`);
    } finally {
      model.dispose();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function interrupted(outDir: string): never {
  process.stderr.write(`layer-lens report: interrupted; ${outDir} was left as it was.\n`);
  process.exit(INTERRUPTED);
}

/** One line per kind of trouble, so a script can tell a partial report from a complete one. */
function warn({ failures, skipped }: ReportOutcome, outDir: string): void {
  if (skipped.size > 0) {
    process.stderr.write(`layer-lens report: warning: skipped ${skipped.size} image${skipped.size > 1 ? 's' : ''} that could not be read: ${[...skipped.keys()].map((p) => basename(p)).join(', ')}.\n`);
  }
  if (failures.length > 0) {
    const n = failures.length;
    process.stderr.write(`layer-lens report: warning: ${n} part${n > 1 ? 's' : ''} of the report failed (${failures.map((f) => f.what).join('; ')}); ${join(outDir, 'index.html')} says why.\n`);
  }
}
