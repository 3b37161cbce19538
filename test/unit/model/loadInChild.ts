// Loads each model path given on the command line in this process and prints one JSON line per path:
// { path, ok, code, message }. Tests run it as a child with a deadline, so a load that hangs (a synchronous
// loop inside TF.js blocks the test's own timers) still fails the test instead of stalling the run.
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';

async function main(): Promise<void> {
  await useBackend('cpu');
  for (const path of process.argv.slice(2)) {
    process.stdout.write(`${JSON.stringify({ start: path })}\n`);
    try {
      const model = await loadModel(path);
      model.dispose();
      process.stdout.write(`${JSON.stringify({ path, ok: true })}\n`);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      process.stdout.write(`${JSON.stringify({ path, ok: false, code: err.code ?? 'none', message: err.message ?? String(e) })}\n`);
    }
  }
}

void main();
