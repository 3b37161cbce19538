// Runs the report's sections in page order. Each part that fails becomes a notice in its place and the rest go
// on; index.html is rewritten after every section, so the folder always has an index for what it holds.
import { join } from 'node:path';
import { LayerLensError } from '../../shared/errors';
import { writeFileAtomic } from '../outputFiles';
import { actmaxSection } from './actmaxSection';
import { attributionSection } from './attributionSection';
import { featureMapsSection } from './featureMapsSection';
import { escapeHtml, notice, page } from './html';
import { kernelsSection } from './kernelsSection';
import { failureReason, type PartFailure } from './partFailure';
import type { ReportContext, ReportSection } from './reportTypes';
import { summarySection } from './summarySection';
import { topkSection } from './topkSection';

/** Sections in page order; each feature adds its own. */
const SECTIONS: { title: string; run: ReportSection }[] = [
  { title: 'Model', run: summarySection },
  { title: 'Kernels', run: kernelsSection },
  { title: 'Feature maps', run: featureMapsSection },
  { title: 'Attribution', run: attributionSection },
  { title: 'Activation maximization', run: actmaxSection },
  { title: 'Dataset examples', run: topkSection },
];

export type ReportInputs = Omit<ReportContext, 'part' | 'fail' | 'skipImage'>;

export interface ReportOutcome {
  index: string;
  failures: PartFailure[];
  /** Image path → why it was passed over. */
  skipped: Map<string, string>;
}

export async function writeReport(inputs: ReportInputs, header: (seconds: number) => string): Promise<ReportOutcome> {
  const failures: PartFailure[] = [];
  const skipped = new Map<string, string>();
  const fail = (what: string, err: unknown): string => {
    const why = failureReason(err, inputs.backend);
    failures.push({ what, why });
    inputs.log(`${what} failed: ${why}`);
    if ((process.env.LAYER_LENS_DEBUG || process.argv.includes('--verbose')) && !(err instanceof LayerLensError)) process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    return notice(what, why);
  };
  const ctx: ReportContext = {
    ...inputs,
    fail,
    async part(what, run) {
      try {
        return await run();
      } catch (e) {
        return fail(what, e);
      }
    },
    skipImage(path, reason) {
      if (!skipped.has(path)) skipped.set(path, reason);
    },
  };
  const started = Date.now();
  const index = join(inputs.outDir, 'index.html');
  const done: string[] = [];
  const write = () => {
    const pending = SECTIONS.slice(done.length).map((s) => `<section><h2>${escapeHtml(s.title)}</h2><p class="pending">Not drawn: the run stopped before this section.</p></section>`);
    const body = [header((Date.now() - started) / 1000), ...done, ...pending].join('\n');
    try {
      writeFileAtomic(index, page(`Layer Lens — ${inputs.model.info.name}`, body));
    } catch (e) {
      throw new LayerLensError('notFound', `Could not write the report's index.html (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
  };
  write();
  for (const section of SECTIONS) {
    let html: string;
    try {
      html = await section.run(ctx);
    } catch (e) {
      html = `<section><h2>${escapeHtml(section.title)}</h2>${fail(section.title, e)}</section>`;
    }
    done.push(html);
    write();
  }
  return { index, failures, skipped };
}
