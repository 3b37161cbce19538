// The PyTorch files opened in this window and the ONNX each runs as. The host keeps the .pt/.pth path as the
// model's identity (the Layers view, the active model, the panels and their caches all name the .pt); only the
// engine is given the converted ONNX in extension storage, through the engine's request middleware, and a
// loaded model's path is handed back as the .pt's. A .pt whose current contents were converted before (in this
// window or an earlier one) resolves from the cache without Python; one never converted says how to convert it.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { LayerLensError } from '../../shared/errors';
import type { EngineMethod, ParamsOf, ResultOf } from '../../shared/protocol/engineProtocol';
import type { ModelInfo } from '../../shared/model';
import type { RequestMiddleware } from '../engine/engineService';
import { convertedFolderName, findConverted, sha256OfFile, stemOf } from './convertedCache';

export function isPytorchFile(file: string): boolean {
  return /\.(pt|pth)$/i.test(file);
}

/** The methods that run the user's Python: each request of one of them is one Python run or more. */
const PYTHON_METHODS: ReadonlySet<EngineMethod> = new Set<EngineMethod>(['pytorch.inspect', 'pytorch.convert', 'torchvision.export']);

export class ConvertedModels {
  /** .pt path → the ONNX it runs as, for the contents hashed at `version` (mtime and size). */
  private readonly resolved = new Map<string, { version: string; sha256: string; onnx?: string }>();
  private pythonRequests = 0;

  constructor(readonly root: string) {}

  /** Engine requests that ran Python since activation (tests check that a cached open runs none). */
  get pythonRuns(): number {
    return this.pythonRequests;
  }

  /** SHA-256 of the file's contents, hashed again only when its mtime or size changed. */
  async sha256(file: string): Promise<string> {
    const version = await versionOf(file);
    const known = this.resolved.get(file);
    if (known?.version === version) return known.sha256;
    const sha256 = await sha256OfFile(file);
    this.resolved.set(file, { version, sha256 });
    return sha256;
  }

  /** The ONNX the file's current contents were converted to, or undefined when they never were. */
  async lookup(file: string): Promise<string | undefined> {
    const sha256 = await this.sha256(file);
    const entry = this.resolved.get(file);
    if (entry?.onnx && entry.sha256 === sha256 && (await isFile(entry.onnx))) return entry.onnx;
    const onnx = await findConverted(this.root, sha256, file);
    if (onnx && entry) entry.onnx = onnx;
    return onnx;
  }

  /** A fresh folder to convert into; `commit` moves it into place under the file's cache name. */
  async staging(file: string, shape: readonly number[]): Promise<{ onnxPath: string; commit(): Promise<string>; discard(): Promise<void> }> {
    const sha256 = await this.sha256(file);
    const stagingDir = path.join(this.root, `.partial-${randomBytes(6).toString('hex')}`);
    await mkdir(stagingDir, { recursive: true });
    const name = `${stemOf(file)}.onnx`;
    const finalDir = path.join(this.root, convertedFolderName(sha256, shape));
    return {
      onnxPath: path.join(stagingDir, name),
      commit: async () => {
        await moveInto(stagingDir, finalDir);
        const onnx = path.join(finalDir, name);
        const entry = this.resolved.get(file);
        if (entry?.sha256 === sha256) entry.onnx = onnx;
        return onnx;
      },
      discard: () => rm(stagingDir, { recursive: true, force: true }),
    };
  }

  /** Rewrites requests on a .pt to its ONNX, and their results and errors back to the .pt. */
  readonly middleware: RequestMiddleware = async <M extends EngineMethod>(
    method: M,
    params: ParamsOf<M>,
    send: (params: ParamsOf<M>) => Promise<ResultOf<M>>,
  ): Promise<ResultOf<M>> => {
    if (PYTHON_METHODS.has(method)) this.pythonRequests++;
    const key = method === 'loadModel' ? 'path' : 'modelPath';
    const named = (params as Record<string, unknown>)[key];
    if (typeof named !== 'string' || !isPytorchFile(named)) return send(params);
    const onnx = await this.lookup(named).catch(() => undefined);
    if (!onnx) {
      throw new LayerLensError(
        'notConverted',
        `${path.basename(named)} is a PyTorch file not yet converted to ONNX: click here (or use "Open in Layer Lens") to convert it with your Python.`,
      );
    }
    let result: ResultOf<M>;
    try {
      result = await send({ ...params, [key]: onnx });
    } catch (err) {
      throw err instanceof LayerLensError ? new LayerLensError(err.code, err.message.split(onnx).join(named)) : err;
    }
    if (method === 'loadModel') return { ...(result as ModelInfo), path: named } as ResultOf<M>;
    return result;
  };
}

async function versionOf(file: string): Promise<string> {
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) throw new LayerLensError('notFound', `${file} does not exist or is not a file.`);
  return `${s.mtimeMs}:${s.size}`;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() === true;
}

/** Moves a finished staging folder into place; a folder already there (the same contents, another name) gains its files. */
async function moveInto(stagingDir: string, finalDir: string): Promise<void> {
  try {
    await rename(stagingDir, finalDir);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM') throw err;
  }
  for (const name of await readdir(stagingDir)) await rename(path.join(stagingDir, name), path.join(finalDir, name));
  await rm(stagingDir, { recursive: true, force: true });
}
