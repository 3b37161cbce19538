// A node:test reporter that prints only the closing line the project's CI reads: "N passed, N failed".
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    // Count leaf tests only: a suite's own pass/fail event repeats its children's.
    if (event.data.details?.type === 'suite') continue;
    // A todo test is a known gap: whether it passes or fails, it is counted apart (node:test does not fail a run on it).
    if (event.data.skip || event.data.todo) skipped++;
    else if (event.type === 'test:fail') failed++;
    else passed++;
  }
  yield `\nunit: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
