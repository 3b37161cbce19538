// What each phase of the kit writes (one JSON file per phase) and the table reads.
import { renameSync, writeFileSync } from 'node:fs';
import type { KeyedRow } from '../../bench/backendRowTypes';

/** `data` as JSON into `path`, whole or not at all: a process killed while writing leaves the previous file. */
export function writeJsonAtomic(path: string, data: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(tmp, path);
}

export interface ProbePhase {
  phase: 'probe';
  probe: unknown;
  /** `auto` and `webgpu` as startNodeBackend chose them: one line each. */
  selection: { preference: string; active: string; detail: string; adapter?: { vendor: string; architecture: string; software: boolean }; attempts: string }[];
}

export interface ParityCheck {
  kind: string;
  count: number;
  worst: number | null;
  limit: number;
  met: boolean;
  note: string;
}

export interface ParityPhase {
  phase: 'parity';
  adapter?: string;
  software?: boolean;
  checks: ParityCheck[];
  /** Why the run ended early (crash, timeout), when it did. */
  failure?: string;
  ms?: number;
}

export interface BenchPhase {
  phase: 'bench';
  side: 'layer-lens';
  backend: string;
  label: string;
  detail: string;
  software?: boolean;
  rows: KeyedRow[];
  failure?: string;
}

export interface PeerFile {
  /** Why the peer did not run (run.sh: e.g. a torch without CUDA). */
  failure?: string;
  side?: string;
  device?: string;
  name?: string;
  torch?: string;
  precision?: string;
  rows: KeyedRow[];
}
