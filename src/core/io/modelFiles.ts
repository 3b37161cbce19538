// The format logic reads a model's files through this seam, so that it never touches a file system itself
// (the core must also run in a webview, where files arrive as bytes).

/** The files of one model: the model file itself and whatever it names, relative to its folder. */
export interface ModelFiles {
  /** Absolute path (or URI) of the model file, used in error messages and `ModelInfo.path`. */
  readonly path: string;
  /**
   * Bytes of a file named relative to the model's folder (the model file's own name reads the model file).
   * Rejects with LayerLensError 'pathEscape' for a name that leaves the folder, 'notFound' when the model
   * file itself is missing and 'missingWeights' for any other missing file.
   */
  read(relative: string): Promise<Uint8Array>;
}

/**
 * Normalizes a relative name to forward-slash segments inside the folder, or returns null when it leaves
 * the folder (absolute paths, drive letters, URLs, `..` climbing above the top). Pure string work.
 */
export function normalizeInside(relative: string): string | null {
  const name = relative.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(name)) return null;
  const out: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.length === 0 ? null : out.join('/');
}

/** The last segment of a path, whichever separator it uses. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/** The folder part of a path ('' when there is none). */
export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '' : path.slice(0, i);
}
