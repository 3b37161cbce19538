// Child of realWebgpuSelection.test.ts: starts the backend as the engine and the CLI do (real Dawn probe) under
// `auto`, then under an explicit `webgpu`, and prints both statuses as JSON lines.
import { startNodeBackend } from '../../../src/core/node/startNodeBackend';

async function main(): Promise<void> {
  for (const preference of ['auto', 'webgpu'] as const) {
    const status = await startNodeBackend(preference, { threads: 1, nativeKernels: false });
    process.stdout.write(`STATUS ${JSON.stringify(status)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
