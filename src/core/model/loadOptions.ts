// Options a caller may give when opening a model.
export interface ModelLoadOptions {
  /**
   * [height, width] to run a model at whose input size is not fixed (layer shapes are probed at it).
   * Refused for a model whose fixed size differs.
   */
  inputSize?: [number, number];
}
