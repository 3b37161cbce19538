// The one name a model goes by in every place a user reads it: the Layers view, quick picks, panel titles and
// breadcrumbs, notifications. A TF.js `model.json` is named by its folder (models/mnist-cnn/model.json →
// "mnist-cnn"); any other model file by its file name with its extension (googlenet.onnx), so a .onnx and a
// .keras of the same network stay apart. Plain string logic over a path, so every room can use it.

export function modelDisplayName(modelPath: string): string {
  const parts = modelPath.split(/[\\/]/).filter((p) => p !== '');
  const file = parts[parts.length - 1] ?? modelPath;
  if (file.toLowerCase() === 'model.json' && parts.length > 1) return parts[parts.length - 2]!;
  return file;
}
