// The hostile-input corpus: cases that each run the real CLI once, and what a correct run looks like.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, ftruncateSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mulberry32 } from '../../src/core/actmax/rng';

export type HostileClass = 'onnx' | 'tfjs' | 'keras' | 'files' | 'images' | 'topk' | 'cli';
export const HOSTILE_CLASSES: HostileClass[] = ['onnx', 'tfjs', 'keras', 'files', 'images', 'topk', 'cli'];

/**
 * refuse: non-zero exit, stderr one sentence naming the file, no internals.
 * accept: exit 0, no internals on stderr, and the case's own check of the output passes.
 * either: a refusal as above, or an acceptance (byte flips may leave a valid model).
 * quiet: any exit status, but stderr holds no internals (stdout closed early by the reader).
 */
export type Expectation = 'refuse' | 'accept' | 'either' | 'quiet';

/** What one CLI run left behind, as the judge sees it. */
export interface CaseRun {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
  outDir: string;
}

export interface HostileCase {
  /** Unique, `<class>/<name>`; also the case's folder under the corpus root. */
  id: string;
  cls: HostileClass;
  /** What the input is, in a few words. */
  what: string;
  /** CLI arguments (absolute paths). */
  args: string[];
  expect: Expectation;
  /** A refusal must contain one of these (a path or a base name). */
  names: string[];
  /** For accepted runs: returns what is wrong with the output, or null. */
  check?: (run: CaseRun) => string | null;
  /** slowReader: stdout is not read for a while (a full pipe); closeEarly: the reader goes away after one chunk. */
  stdout?: 'slowReader' | 'closeEarly';
}

/** Where a case writes its files; writing is skipped when the corpus folder is already complete. */
export class CaseFolder {
  constructor(
    readonly root: string,
    readonly write: boolean,
  ) {}

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** Output folder of a case's run (the runner empties it first). */
  out(id: string): string {
    return join(this.root, 'out', id);
  }

  file(rel: string, data: Uint8Array | string): string {
    const p = this.path(rel);
    if (this.write) {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data);
    }
    return p;
  }

  dir(rel: string): string {
    const p = this.path(rel);
    if (this.write) mkdirSync(p, { recursive: true });
    return p;
  }

  symlink(rel: string, target: string): string {
    const p = this.path(rel);
    if (this.write) {
      mkdirSync(dirname(p), { recursive: true });
      symlinkSync(target, p);
    }
    return p;
  }

  /** A named pipe: opening it for reading blocks until a writer comes, which none does. */
  fifo(rel: string): string {
    const p = this.path(rel);
    if (this.write) {
      mkdirSync(dirname(p), { recursive: true });
      execFileSync('mkfifo', [p]);
    }
    return p;
  }

  /** A sparse file of `size` bytes that starts with `head` (costs no disk). */
  sparse(rel: string, size: number, head: Uint8Array): string {
    const p = this.path(rel);
    if (this.write) {
      mkdirSync(dirname(p), { recursive: true });
      const fd = openSync(p, 'w');
      try {
        writeSync(fd, head);
        ftruncateSync(fd, size);
      } finally {
        closeSync(fd);
      }
    }
    return p;
  }
}

export const GiB = 1024 ** 3;

/** Deterministic pseudo-random integers in [0, n) (mulberry32). */
export function rng(seed: number): (n: number) => number {
  const next = mulberry32(seed);
  return (n) => (next() * n) | 0;
}

/** An .npy file of float32 values (version 1.0, C order). */
export function npyBytes(shape: number[], data: Float32Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  head.set(Buffer.from(header, 'latin1'), 10);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  return out;
}

/** Parses a JSON stdout; returns it or a problem string. */
export function parseJson<T>(stdout: string): T | string {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    return `stdout is not complete JSON (${stdout.length} chars, ends ${JSON.stringify(stdout.slice(-40))})`;
  }
}

/** A check that `layers --json` listed every one of `ids`. */
export function layersHave(ids: string[]): (run: CaseRun) => string | null {
  return (run) => {
    const info = parseJson<{ layers?: { id: string }[] }>(run.stdout);
    if (typeof info === 'string') return info;
    const have = new Set((info.layers ?? []).map((l) => l.id));
    const missing = ids.filter((id) => !have.has(id));
    return missing.length ? `layers lack ${missing.join(', ')}` : null;
  };
}
