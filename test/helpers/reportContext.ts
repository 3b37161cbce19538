// A report context for testing one section: one step, no log, and every failure or skipped image collected into
// `failures` instead of drawn, so a test can assert there were none.
import type { ReportContext } from '../../src/cli/report/reportTypes';

export function collectingReportContext(
  base: Pick<ReportContext, 'model' | 'modelPath' | 'outDir' | 'images' | 'backend'>,
  failures: string[],
): ReportContext {
  return {
    ...base, steps: 1, log: () => {},
    part: async (what, run) => run().catch((err: unknown) => {
      failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return '';
    }),
    fail: (what, err) => {
      failures.push(`${what}: ${String(err)}`);
      return '';
    },
    skipImage: (path, reason) => failures.push(`${path} skipped: ${reason}`),
  };
}
