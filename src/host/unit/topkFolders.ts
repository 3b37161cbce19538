// Which folder the Unit panel takes dataset examples from: the folder of the last Top Images run that finished for
// the model, in this window or an earlier one. Learned by watching the engine's `topk.find` answers (a request
// middleware around the others), so every way of running Top Images counts and no panel has to report it; kept in
// a small JSON file in global storage.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EngineMethod, ParamsOf, ResultOf } from '../../shared/protocol/engineProtocol';
import type { RequestMiddleware } from '../engine/engineService';

/** Models remembered; the oldest goes first beyond this. */
const MAX_MODELS = 200;

export class TopkFolderMemory {
  private folders: Map<string, string> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async folderFor(modelPath: string): Promise<string | undefined> {
    return (await this.load()).get(modelPath);
  }

  async remember(modelPath: string, folder: string): Promise<void> {
    const folders = await this.load();
    folders.delete(modelPath);
    folders.set(modelPath, folder);
    while (folders.size > MAX_MODELS) folders.delete(folders.keys().next().value as string);
    const text = JSON.stringify(Object.fromEntries(folders));
    // Writes one after another, each whole (temp file, then rename): two windows never leave half a file.
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, text);
      await rename(temp, this.file);
    }).catch(() => undefined);
    await this.writing;
  }

  /** `inner` (the next middleware, e.g. converted .pt models) with every successful top-k run remembered, under the model path the host uses. */
  observe(inner?: RequestMiddleware): RequestMiddleware {
    return async <M extends EngineMethod>(method: M, params: ParamsOf<M>, send: (p: ParamsOf<M>) => Promise<ResultOf<M>>): Promise<ResultOf<M>> => {
      const result = await (inner ? inner(method, params, send) : send(params));
      if (method === 'topk.find') {
        const { modelPath, folder } = params as ParamsOf<'topk.find'>;
        await this.remember(modelPath, folder);
      }
      return result;
    };
  }

  private async load(): Promise<Map<string, string>> {
    if (this.folders) return this.folders;
    let folders = new Map<string, string>();
    try {
      const json = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        folders = new Map(Object.entries(json as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
      }
    } catch {
      // No file yet, or a damaged one: start empty.
    }
    this.folders ??= folders;
    return this.folders;
  }
}
