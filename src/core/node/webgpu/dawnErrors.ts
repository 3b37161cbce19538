// Dawn reports an invalid shader, pipeline or out-of-memory buffer as an error event, and the read that follows
// returns zeros. Here such an error becomes a failure of the next read: error scopes around every WebGPU program
// TF.js runs (scopes catch errors at the call that caused them), plus the uncaptured-error event and device loss
// for what happens at submit time. A read that follows an error throws instead of returning values.
import { GpuOutOfMemoryError } from '../../gpuLimits';
import { LayerLensError } from '../../../shared/errors';
import type { GpuDeviceLike, GpuErrorLike } from './gpuTypes';

interface CapturedError {
  kind: 'validation' | 'out-of-memory' | 'internal' | 'lost';
  message: string;
}

/** The parts of TF.js's WebGPUBackend wrapped here (its instance methods). */
export interface WrappableBackend {
  runWebGPUProgram(...args: unknown[]): unknown;
  read(dataId: object): Promise<unknown>;
}

export interface DawnErrorGuard {
  /** Errors not yet turned into a failure (a read throws the first and clears them). */
  pending(): number;
}

export function guardDawnErrors(device: GpuDeviceLike, backend: WrappableBackend): DawnErrorGuard {
  const captured: CapturedError[] = [];
  const scopes = new Set<Promise<void>>();
  const onUncaptured = (ev: { error: GpuErrorLike }) => captured.push({ kind: kindOf(ev.error), message: ev.error.message });
  if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onUncaptured);
  else device.onuncapturederror = onUncaptured;
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') captured.push({ kind: 'lost', message: info.message });
  });

  const run = backend.runWebGPUProgram.bind(backend);
  backend.runWebGPUProgram = (...args: unknown[]) => {
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    try {
      return run(...args);
    } finally {
      const validation = device.popErrorScope();
      const memory = device.popErrorScope();
      const settled = Promise.all([validation, memory]).then(
        ([v, m]) => {
          if (v) captured.push({ kind: 'validation', message: v.message });
          if (m) captured.push({ kind: 'out-of-memory', message: m.message });
        },
        (e: unknown) => {
          captured.push({ kind: 'internal', message: e instanceof Error ? e.message : String(e) });
        },
      );
      scopes.add(settled);
      void settled.finally(() => scopes.delete(settled));
    }
  };

  const read = backend.read.bind(backend);
  backend.read = async (dataId: object) => {
    await Promise.all([...scopes]);
    const values = await read(dataId);
    // Errors raised at submit time arrive as events while the read waited; the scopes of programs queued meanwhile
    // are awaited too.
    await Promise.all([...scopes]);
    const first = captured[0];
    if (first) {
      captured.length = 0;
      throw failureFor(first);
    }
    return values;
  };

  return { pending: () => captured.length };
}

function kindOf(error: GpuErrorLike): CapturedError['kind'] {
  const name = error.constructor.name;
  return name === 'GPUOutOfMemoryError' ? 'out-of-memory' : name === 'GPUValidationError' ? 'validation' : 'internal';
}

function failureFor(e: CapturedError): LayerLensError {
  const detail = summary(e.message);
  if (e.kind === 'out-of-memory') return new GpuOutOfMemoryError(detail);
  if (e.kind === 'lost') return new LayerLensError('internal', `The GPU device was lost (${detail}); restart the engine to use it again.`);
  return new LayerLensError('internal', `The GPU rejected a kernel (WebGPU ${e.kind} error: ${detail}), so its result was not used.`);
}

/** Dawn's first line names the problem ("Error while parsing WGSL: … cannot index type 'vec6'"); the rest is a trace. */
function summary(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('- While'));
  const parse = lines.find((l) => /error:/.test(l) && !l.startsWith('Error while parsing'));
  const head = lines[0] ?? 'no message';
  const text = parse && head.startsWith('Error while parsing') ? `${head} ${parse}` : head;
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
