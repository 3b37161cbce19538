// PyTorch files and torchvision models across rooms: what the host asks the engine to do with the user's own
// Python (inspect a .pt/.pth, convert it to ONNX, export a torchvision model), and what comes back. The engine runs
// Python because the host may not import the core; the host chooses which Python (the VS Code Python extension's
// interpreter, `layerLens.pythonPath`, then `python3`/`python` on PATH) and where the ONNX goes (extension storage).

/** What a .pt/.pth holds: a TorchScript archive, a whole pickled nn.Module, or weights only (a state dict). */
export type PytorchFileKind = 'torchscript' | 'pickledModule' | 'stateDict';

export interface PytorchInspectParams {
  /** The .pt/.pth file. */
  path: string;
  /** Interpreters to try in order; the first with torch is used. */
  pythonCandidates: string[];
}

export interface PytorchInspectResult {
  /** The interpreter that has torch (what `pytorch.convert` is then given). */
  python: string;
  torchVersion: string;
  kind: PytorchFileKind;
  className?: string;
  /** NCHW, when the file tells (the first conv's input channels at 224 px). */
  inputShape?: number[];
  /** For a state dict: the Python that loads these weights into the user's class and saves a TorchScript. */
  snippet?: string;
}

export interface PytorchConvertParams {
  path: string;
  python: string;
  /** NCHW, batch first. */
  inputShape: number[];
  /** Where the ONNX is written (the extension's storage, never the user's folder). */
  outPath: string;
}

export interface PytorchConvertResult {
  onnxPath: string;
  inputShape: number[];
  kind: 'torchscript' | 'pickledModule';
}

export interface TorchvisionExportParams {
  /** A torchvision classification model's builder name, e.g. `resnet18`. */
  name: string;
  /** With torchvision's pretrained weights (torchvision downloads them into its own cache). */
  pretrained: boolean;
  /** The folder the ONNX and its sidecar are written to. */
  outDir: string;
  pythonCandidates: string[];
}

export interface TorchvisionExportResult {
  modelPath: string;
  sidecarPath: string;
  python: string;
}

/** A line of what Python is doing, for the progress notification. */
export interface PythonProgress {
  message: string;
}

/** Builder names torchvision has for ImageNet classifiers, offered by "Open a torchvision Model…". */
export const TORCHVISION_MODELS: readonly string[] = [
  'resnet18', 'resnet34', 'resnet50', 'resnet101', 'alexnet', 'googlenet', 'vgg11', 'vgg16', 'vgg19',
  'mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large', 'efficientnet_b0', 'densenet121',
  'inception_v3', 'squeezenet1_0', 'shufflenet_v2_x1_0', 'mnasnet1_0', 'regnet_y_400mf', 'convnext_tiny',
];

/** Largest size of one dimension of an input shape: a conversion runs the model once at that shape. */
export const PYTORCH_SHAPE_MAX_DIM = 4096;
/** Most values in one input (64 Mi floats, 256 MB): a larger trace would exhaust the user's memory first. */
export const PYTORCH_SHAPE_MAX_ELEMENTS = 64 * 1024 * 1024;
