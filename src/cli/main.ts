// `layer-lens`: the core without VS Code, for scripts and batch jobs. Bad input → one sentence on stderr, exit 1.
import { toErrorPayload } from '../shared/errors';
import { activationsCommand, activationsUsage } from './commands/activationsCommand';
import { actmaxCommand, actmaxUsage } from './commands/actmaxCommand';
import { kernelsCommand, kernelsUsage } from './commands/kernelsCommand';
import { layersCommand, layersUsage } from './commands/layersCommand';
import { reportCommand, reportUsage } from './commands/reportCommand';
import { topkCommand, topkUsage } from './commands/topkCommand';

const commands: Record<string, { run: (argv: string[]) => Promise<void>; usage: string }> = {
  layers: { run: layersCommand, usage: layersUsage },
  kernels: { run: kernelsCommand, usage: kernelsUsage },
  activations: { run: activationsCommand, usage: activationsUsage },
  actmax: { run: actmaxCommand, usage: actmaxUsage },
  topk: { run: topkCommand, usage: topkUsage },
  report: { run: reportCommand, usage: reportUsage },
};

function usage(): string {
  return ['Usage:', ...Object.values(commands).map((c) => `  ${c.usage}`), 'Every command takes --backend wasm|cpu|tensorflow (default wasm).'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`layer-lens: unknown command ${name}.\n${usage()}\n`);
    return 2;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (err) {
    const { code, message } = toErrorPayload(err);
    process.stderr.write(`layer-lens ${name}: ${message}\n`);
    if (code === 'internal' && process.env.LAYER_LENS_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return code === 'badArgument' ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
