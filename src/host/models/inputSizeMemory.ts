// The input size the user chose for each model that does not fix one, in one place: a panel that changes it
// records it here, every panel on that model starts from it, and the Layers tree lists the model's shapes at it.
// Kept for the window's life, keyed by the model file's path (the identity panels and the tree share). No vscode
// here: unit tests use it in plain Node.
import { checkInputSize, type InputSize } from '../../shared/inputSize';

type Listener = (modelPath: string, size: InputSize | undefined) => void;

export class InputSizeMemory {
  private readonly sizes = new Map<string, InputSize>();
  private readonly listeners = new Set<Listener>();

  /** The size chosen for the model, or undefined (it runs at its sidecar's size or the default). */
  get(modelPath: string): InputSize | undefined {
    const size = this.sizes.get(modelPath);
    return size ? { ...size } : undefined;
  }

  /** Records a size (checked again: it comes from a webview); listeners hear of it only when it changed. */
  set(modelPath: string, size: InputSize | undefined): void {
    if (size && checkInputSize(size.height, size.width) !== undefined) return;
    const before = this.sizes.get(modelPath);
    if (before?.height === size?.height && before?.width === size?.width) return;
    if (size) this.sizes.set(modelPath, { height: size.height, width: size.width });
    else this.sizes.delete(modelPath);
    for (const listener of this.listeners) listener(modelPath, this.get(modelPath));
  }

  /** Calls `listener` on every change; the returned function stops it. */
  onDidChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The extension's one memory (panels and the tree read the same). */
export const inputSizeMemory = new InputSizeMemory();
