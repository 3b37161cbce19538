// `layer-lens`: the core without VS Code, for scripts and batch jobs. Bad input → one sentence on stderr, exit 1.
import { toErrorPayload } from '../shared/errors';
import { checkModelFormat } from '../core/node/modelFormatCheck';
import { activationsCommand, activationsUsage } from './commands/activationsCommand';
import { attributeCommand, attributeHelp, attributeUsage } from './commands/attributeCommand';
import { convertCommand, convertUsage } from './commands/convertCommand';
import { torchvisionCommand, torchvisionUsage } from './commands/torchvisionCommand';
import { installPytorchOpener, pytorchOptionsUsage, takePytorchOptions } from './pytorchOptions';
import { actmaxCommand, actmaxUsage } from './commands/actmaxCommand';
import { atlasCommand, atlasUsage } from './commands/atlasCommand';
import { kernelsCommand, kernelsUsage } from './commands/kernelsCommand';
import { layersCommand, layersUsage } from './commands/layersCommand';
import { mergeCommand, mergeUsage } from './commands/mergeCommand';
import { reportCommand, reportHelp, reportUsage } from './commands/reportCommand';
import { topkCommand, topkUsage } from './commands/topkCommand';

/** `help`: the longer text of `layer-lens NAME --help`, where a command has one beyond its usage line. */
const commands: Record<string, { run: (argv: string[]) => Promise<void>; usage: string; help?: string }> = {
  layers: { run: layersCommand, usage: layersUsage },
  kernels: { run: kernelsCommand, usage: kernelsUsage },
  activations: { run: activationsCommand, usage: activationsUsage },
  actmax: { run: actmaxCommand, usage: actmaxUsage },
  attribute: { run: attributeCommand, usage: attributeUsage, help: attributeHelp },
  topk: { run: topkCommand, usage: topkUsage },
  merge: { run: mergeCommand, usage: mergeUsage },
  report: { run: reportCommand, usage: reportUsage, help: reportHelp },
  atlas: { run: atlasCommand, usage: atlasUsage },
  convert: { run: convertCommand, usage: convertUsage },
  torchvision: { run: torchvisionCommand, usage: torchvisionUsage },
};

/** Commands that take --python and --input-shape themselves; every other one gets them for a .pt/.pth --model. */
const PYTORCH_COMMANDS = new Set(['convert', 'torchvision']);

/** What each command does, as the subject of the sentence that says it failed. */
const ACTIONS: Record<string, string> = {
  layers: 'Listing the layers',
  kernels: 'Drawing the kernels',
  activations: 'Computing the activations',
  actmax: 'Activation maximization',
  attribute: 'The attribution',
  topk: 'Finding the top images',
  merge: 'Merging the shards',
  report: 'The report',
  atlas: 'The atlas',
  convert: 'Converting the model',
  torchvision: 'Exporting the torchvision model',
};

function optionValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  const value = i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  return value && !value.startsWith('--') ? value : undefined;
}

const COMMON_OPTIONS =
  'Every command takes --verbose (the raw text of an internal error), and every one but convert and torchvision --backend auto|webgpu|wasm|cpu|tensorflow (default auto: a hardware GPU through WebGPU, else wasm; one stderr line says when the one asked for cannot run).';

function usage(): string {
  return ['Usage:', ...Object.values(commands).map((c) => `  ${c.usage}`), pytorchOptionsUsage, 'layer-lens COMMAND --help shows one command.', COMMON_OPTIONS].join('\n');
}

/** `layer-lens NAME --help`: the command's own text, then what every command takes. */
function commandHelp(name: string): string {
  const command = commands[name]!;
  // merge reads shard folders, never a model: the PyTorch conversion line would promise it takes one.
  const pytorch = PYTORCH_COMMANDS.has(name) || name === 'merge' ? [] : [pytorchOptionsUsage];
  return [command.help?.trimEnd() ?? `Usage: ${command.usage}`, ...pytorch, COMMON_OPTIONS].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined && commands[rest[0]]) {
    process.stdout.write(`${commandHelp(rest[0])}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`layer-lens: unknown command ${name}.\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${commandHelp(name)}\n`);
    return 0;
  }
  // --verbose (or LAYER_LENS_DEBUG) adds the raw text of an error that is not ours after our sentence.
  const verbose = rest.includes('--verbose') || Boolean(process.env.LAYER_LENS_DEBUG);
  let args = rest.filter((a) => a !== '--verbose');
  try {
    if (!PYTORCH_COMMANDS.has(name)) {
      const pytorch = takePytorchOptions(args);
      args = pytorch.rest;
      installPytorchOpener(pytorch.python, pytorch.inputShape, optionValue(args, '--model'));
    }
    // A model format Layer Lens cannot open is refused with its conversion command before the backend starts.
    const model = optionValue(args, '--model');
    if (model) await checkModelFormat(model);
    await command.run(args);
    return 0;
  } catch (err) {
    const { code, message, snippet } = toErrorPayload(err, { action: ACTIONS[name] ?? `layer-lens ${name}`, file: optionValue(args, '--model'), details: verbose ? undefined : 'run it again with --verbose for the details' });
    process.stderr.write(`layer-lens ${name}: ${message}\n`);
    if (snippet) process.stderr.write(`\n${snippet}\n`);
    if (code === 'internal' && verbose) process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    return code === 'badArgument' ? 2 : 1;
  }
}

/**
 * Resolves once everything written to `stream` so far has been taken by the OS. Writes to a pipe are queued
 * in the process while the reader is slower than us (beyond the pipe's 64 KiB buffer), and process.exit would
 * drop that queue; an empty write's callback runs only after every earlier write has gone out.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

// A reader that stops early (`layer-lens layers … | head`) closes the pipe: nothing more can reach it, so end
// quietly as a Unix tool does instead of crashing on the unhandled EPIPE. Any other failure to write (a full
// disk behind `> file`) is one sentence, not a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  process.stderr.write(`layer-lens: could not write the output (${err.code ?? err.message}).\n`);
  process.exit(1);
});
process.stderr.on('error', () => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 1));

// process.exit rather than an idle end: the TF.js backends can hold the event loop open after the work is done.
main(process.argv.slice(2))
  .then(async (code) => {
    process.exitCode = code;
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    return code;
  })
  .then((code) => process.exit(code));
