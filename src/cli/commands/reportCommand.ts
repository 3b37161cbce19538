import { basename, join, resolve } from 'node:path';
import { loadModel } from '../../core/node/loadModelFile';
import { backendOption, parse, required } from '../cliArgs';
import { startBackend } from '../cliBackend';
import { escapeHtml } from '../report/html';
import { preprocessHelp, preprocessOption, preprocessSettingsOf, preprocessUsage } from '../preprocessOption';
import { DEFAULT_STEPS, listSampleImages, parseReportChoices, resolveLayers } from '../report/reportChoices';
import { checkReportTarget, stageReport } from '../report/reportFolder';
import { writeReport, type ReportOutcome } from '../report/writeReport';

export const reportUsage = [
  `layer-lens report --model M --out DIR [--layers ID,ID|N] [--steps N] [--images N] [--samples DIR] ${preprocessUsage} [--quiet]`,
  '      (a part that fails says why in the report, which is still written: exit 0, one warning line on stderr)',
].join('\n');

export const reportHelp = `Usage: ${reportUsage.split('\n')[0]}
Writes DIR/index.html: the model's layers, kernels, feature maps, activation maximization and dataset examples.
  --layers ID,ID|N  the layers to draw: ids separated by commas, or N conv layers spread from first to last
                    (default: every conv layer's kernels and feature maps, the last conv layer's actmax and top-k)
  --steps N         activation-maximization steps per image (default ${DEFAULT_STEPS})
  --images N        use the first N sample images, by name (default all; feature maps are drawn for up to 4)
  --samples DIR     the sample images (default: the model's samples/ folder; --images DIR also names it)
  --backend B       auto (default: a hardware GPU, else wasm), webgpu, wasm, cpu or tensorflow
${preprocessHelp}  --quiet           no progress lines on stderr
A count above what there is (--layers 99 on a model of 2 conv layers, --images 99 of 20) draws them all, and a
'note:' line on stderr says so before the work starts.
Pictures are stored at the size the page shows them; an activation-maximization grid wider than the page links
its full size.
A part that fails (one layer's actmax, an unreadable image) says why in a notice in its place and the rest is drawn;
the run exits 0 and prints a 'warning:' line on stderr naming the failed parts and the skipped images.
Bad options and models that cannot be opened: one sentence before any work, exit 2 or 1.
DIR must be new, empty, or an earlier report (replaced whole); the report is staged beside DIR and moved into place
when complete. Ctrl-C (or a crash) ends the run at once, leaves DIR as it was and removes what was staged.
`;

/**
 * Writes an HTML report (model table, kernels, feature maps, activation maximization, dataset examples) into
 * --out. A part that fails says why inside the report and the rest still runs; the run then exits 0 with one
 * warning line on stderr naming the failed parts. The report appears in --out only when complete.
 */
export async function reportCommand(argv: string[]): Promise<void> {
  const values = parse(argv, {
    model: { type: 'string' }, out: { type: 'string' }, images: { type: 'string' }, samples: { type: 'string' },
    layers: { type: 'string' }, steps: { type: 'string' }, quiet: { type: 'boolean' }, ...preprocessOption, ...backendOption,
  });
  const inputSettings = preprocessSettingsOf(values);
  const modelPath = resolve(required(values, 'model'));
  const outDir = resolve(required(values, 'out'));
  const choices = parseReportChoices(values);
  checkReportTarget(outDir);
  const log = (m: string) => values.quiet || process.stderr.write(`${m}\n`);
  // Said even with --quiet, before any section runs: the report draws something other than the number asked for.
  const note = (m: string) => process.stderr.write(`layer-lens report: note: ${m}\n`);
  // The image folder is checked before the model loads: a missing or empty one is one sentence, at once.
  const images = listSampleImages(choices, modelPath, note);

  const status = await startBackend(values.backend);
  const model = await loadModel(modelPath);
  try {
    const layers = resolveLayers(choices.layers, model.info, modelPath, note);
    const staged = stageReport(outDir);
    let outcome: ReportOutcome;
    try {
      outcome = await writeReport(
        { model, modelPath, outDir: staged.dir, images, layers, steps: choices.steps, backend: status.active, log, inputSettings },
        (seconds) => `<h1>Layer Lens report: ${escapeHtml(model.info.name)}</h1>
<p class="note">${escapeHtml(modelPath)} · backend ${escapeHtml(status.detail)} · ${new Date().toISOString()} · ${seconds.toFixed(1)} s</p>${status.notHonoured ? `
<p class="note backend-not-honoured">${escapeHtml(status.notHonoured)}</p>` : ''}`,
      );
    } catch (e) {
      staged.discard();
      throw e;
    }
    staged.commit();
    warn(outcome, outDir);
    process.stdout.write(`${join(outDir, basename(outcome.index))}\n`);
  } finally {
    model.dispose();
  }
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
