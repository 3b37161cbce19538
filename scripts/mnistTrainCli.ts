// The command line both MNIST training scripts share: numeric training options, --out DIR and --no-write, and a
// main that prints a failure's stack and exits 1.
import { resolve } from 'node:path';
import type { TrainOptions } from './mnistTrainLoop';

/** One numeric option: `--flag VALUE` sets opts[key]; `value` names the value in the usage line. */
export interface NumberFlag {
  flag: string;
  key: keyof TrainOptions;
  value: string;
}

export interface TrainArgs {
  opts: TrainOptions;
  out: string;
  write: boolean;
}

/** The numeric options every training script takes. */
const COMMON_FLAGS: readonly NumberFlag[] = [
  { flag: '--epochs', key: 'epochs', value: 'N' },
  { flag: '--seed', key: 'seed', value: 'N' },
];

/** Reads --epochs N, --seed N, the script's own numeric options, --out DIR and --no-write. */
export function parseTrainArgs(argv: string[], defaults: TrainOptions, defaultOut: string, ownFlags: readonly NumberFlag[] = []): TrainArgs {
  const flags = [...COMMON_FLAGS, ...ownFlags];
  const opts = { ...defaults };
  let out = defaultOut;
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const numeric = flags.find((f) => f.flag === arg);
    if (numeric) opts[numeric.key] = Number(argv[++i]);
    else if (arg === '--out') out = resolve(argv[++i]);
    else if (arg === '--no-write') write = false;
    else throw new Error(`Unknown option ${arg}; use ${flags.map((f) => `${f.flag} ${f.value}, `).join('')}--out DIR or --no-write.`);
  }
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new Error('--epochs takes a positive integer.');
  return { opts, out, write };
}

export function runScript(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : String(e));
    process.exit(1);
  });
}
