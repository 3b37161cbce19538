// One identity for a model, used by every cache that keeps results of a model (top-k results, actmax runs, the
// per-unit actmax index): a SHA-256 over the contents of every file that decides what the model computes and how
// its input is prepared — the model file, the weight shards a TF.js model.json names, the sidecar
// (<stem>.layerlens.json or model.layerlens.json) and the labels file the sidecar names. Retrained weights under an
// unchanged model.json, or an edited sidecar, give another identity; a copy of the same files elsewhere, the same.
// Plain logic over an injected reader and WebCrypto, so the engine, the CLI and the host (which may not import the
// core) share it.

/** The files of one model, named relative to its folder. */
export interface ModelFileReader {
  /** Path of the model file (its last segment is the model file's own name). */
  readonly path: string;
  /** Bytes of a file next to the model; rejects when it is missing or unreadable. */
  read(relative: string): Promise<Uint8Array>;
  /**
   * A cheap version of a file (e.g. mtime and size), undefined when absent. When given, an identity is computed
   * once per set of versions: the files are read again only after one of them changed.
   */
  stamp?(relative: string): string | undefined;
}

/** Hex SHA-256 (64 digits) of the model's files; see the header. */
export async function modelIdentity(files: ModelFileReader): Promise<string> {
  const memo = files.stamp ? remembered.get(files.path) : undefined;
  if (memo && files.stamp && memo.stamps.every(([name, stamp]) => files.stamp?.(name) === stamp)) return memo.id;
  const own = lastSegment(files.path);
  const parts: [string, string][] = [];
  const names: string[] = [];
  const add = async (name: string): Promise<Uint8Array | undefined> => {
    if (names.includes(name)) return undefined;
    names.push(name);
    const bytes = insideFolder(name) ? await files.read(name).catch(() => undefined) : undefined;
    parts.push([name, bytes ? await sha256Hex(bytes) : 'missing']);
    return bytes;
  };
  const model = await add(own);
  if (model && own.toLowerCase().endsWith('.json')) for (const shard of weightPaths(model)) await add(shard);
  const stem = own.includes('.') ? own.slice(0, own.lastIndexOf('.')) : own;
  for (const sidecar of [`${stem}.layerlens.json`, 'model.layerlens.json']) {
    const bytes = await add(sidecar);
    const labels = bytes ? labelsFileOf(bytes) : undefined;
    if (labels) await add(labels);
  }
  const id = await sha256Hex(new TextEncoder().encode(JSON.stringify(parts)));
  if (files.stamp) {
    const stamp = files.stamp.bind(files);
    remembered.set(files.path, { id, stamps: names.map((name) => [name, stamp(name)]) });
  }
  return id;
}

/** Identities computed in this process, by model path, with the file versions they were computed from. */
const remembered = new Map<string, { id: string; stamps: [string, string | undefined][] }>();

function weightPaths(modelJson: Uint8Array): string[] {
  try {
    const json = JSON.parse(new TextDecoder().decode(modelJson)) as { weightsManifest?: { paths?: unknown[] }[] };
    const groups = Array.isArray(json.weightsManifest) ? json.weightsManifest : [];
    return groups.flatMap((g) => (Array.isArray(g?.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []));
  } catch {
    return []; // not JSON: the loader says so; the bytes are still hashed
  }
}

function labelsFileOf(sidecar: Uint8Array): string | undefined {
  try {
    const json = JSON.parse(new TextDecoder().decode(sidecar)) as { labelsFile?: unknown };
    return typeof json?.labelsFile === 'string' && json.labelsFile !== '' ? json.labelsFile : undefined;
  } catch {
    return undefined;
  }
}

/** Names a model may use: relative, inside its folder (what the loader accepts; anything else is not read). */
function insideFolder(name: string): boolean {
  const n = name.replace(/\\/g, '/');
  return n !== '' && !n.startsWith('/') && !/^[a-zA-Z]:/.test(n) && !n.includes('://') && !n.split('/').includes('..');
}

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // File readers hand out views of plain ArrayBuffers (never shared memory), which is what digest takes.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
