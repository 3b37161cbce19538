// Why a model that does not fix its input size runs at the size it does, in the words every panel's size note
// uses. Pure (no DOM, no elements): the panels' text helpers that import it are unit-tested in Node.

/** Where the size came from: typed in a panel, the model's sidecar, or Layer Lens's default. */
export type InputSizeSource = 'chosen' | 'sidecar' | 'default';

const WHY: Record<InputSizeSource, string> = {
  chosen: 'the size chosen for this model',
  sidecar: "the size in the model's sidecar",
  default: "Layer Lens's default",
};

/** "the size chosen for this model"; a source this webview does not know reads as the default. */
export function sizeWhy(source: InputSizeSource): string {
  return WHY[source] ?? WHY.default;
}
