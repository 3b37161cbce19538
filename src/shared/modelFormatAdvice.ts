// One sentence for each model format Layer Lens cannot open: the file, what it is, and the command that turns it
// into something Layer Lens opens (an .onnx, or a TF.js model.json). Commands are those of each format's own tools.
import { HANDLING, type ModelFormatKind } from './modelFormat';
import { quoteName } from './userText';

/** What each kind is, as a noun phrase ("a TensorFlow Lite model"). */
export const FORMAT_NAMES: Record<ModelFormatKind, string> = {
  tfjs: 'a TensorFlow.js model',
  onnx: 'an ONNX model',
  keras: 'a Keras 3 model',
  kerasHdf5: 'an HDF5 (Keras) file',
  torchscript: 'a PyTorch TorchScript model',
  torchPickle: 'a PyTorch file (a pickled module or a state dict)',
  tflite: 'a TensorFlow Lite model',
  savedModel: 'a TensorFlow SavedModel',
  frozenGraph: 'a frozen TensorFlow graph (GraphDef)',
  safetensors: 'a safetensors file, which holds weights without the network that uses them',
  caffeModel: 'a Caffe model',
  caffePrototxt: 'a Caffe network definition',
  coreml: 'a Core ML model',
  openvino: 'an OpenVINO IR model',
  ncnn: 'an ncnn model',
  darknet: 'a Darknet model',
  mxnet: 'an MXNet model',
  paddle: 'a PaddlePaddle model',
  gguf: 'a GGUF file (a llama.cpp language model)',
  unknown: 'a file of an unknown kind',
};

/** The extensions each kind's loader is chosen by. */
const OPENS_AS: Partial<Record<ModelFormatKind, readonly string[]>> = {
  tfjs: ['.json'],
  onnx: ['.onnx'],
  keras: ['.keras'],
  kerasHdf5: ['.h5', '.hdf5', '.keras'],
};

/**
 * The sentence for a file Layer Lens cannot open as it is: a format it does not read (with the conversion
 * command), or one it reads under another extension. Undefined when the loaders (or the PyTorch conversion) take it.
 */
export function cannotOpenSentence(path: string, kind: ModelFormatKind): string | undefined {
  const file = quoteName(path, 200);
  const base = quoteName(path.split(/[\\/]/).filter((p) => p !== '').pop() ?? path, 120);
  const expected = OPENS_AS[kind];
  if (expected) {
    if (expected.some((e) => path.toLowerCase().endsWith(e))) return undefined;
    return `${file} is ${FORMAT_NAMES[kind]}, but its name does not end in ${expected.join(' or ')}; rename it (for example to model${expected[0]}) and open it again.`;
  }
  if (HANDLING[kind] !== 'cannotOpen') return undefined;
  const stem = base.replace(/\.[^.]*$/, '');
  const folder = path.replace(/[\\/][^\\/]*$/, '') || '.';
  const what = `${file} is ${FORMAT_NAMES[kind]}, which Layer Lens cannot open`;
  switch (kind) {
    case 'tflite':
      return `${what}; convert it to ONNX with \`python -m tf2onnx.convert --tflite ${file} --output ${stem}.onnx\` and open the .onnx.`;
    case 'savedModel':
      return `${what}; convert the folder to ONNX with \`python -m tf2onnx.convert --saved-model ${folder} --output model.onnx\` (or to TF.js with \`tensorflowjs_converter --input_format=tf_saved_model ${folder} web_model\`) and open the result.`;
    case 'frozenGraph':
      return `${what}; convert it to ONNX with \`python -m tf2onnx.convert --graphdef ${file} --inputs INPUT:0 --outputs OUTPUT:0 --output ${stem}.onnx\` (your graph's input and output tensor names) and open the .onnx.`;
    case 'safetensors':
      return `${what}; load them into the model's class in Python (\`model.load_state_dict(safetensors.torch.load_file("${base}"))\`), save the whole model with \`torch.save(model, "model.pt")\` and open model.pt, or export it with \`layer-lens convert --model model.pt --input-shape 1,3,224,224 --out model.onnx\`.`;
    case 'caffeModel':
      return `${what}; convert it with its deploy.prototxt to ONNX with MMdnn: \`mmconvert -sf caffe -in deploy.prototxt -iw ${file} -df onnx -om ${stem}.onnx\`, and open the .onnx.`;
    case 'caffePrototxt':
      return `${what} (its weights are in a .caffemodel); convert both to ONNX with MMdnn: \`mmconvert -sf caffe -in ${file} -iw WEIGHTS.caffemodel -df onnx -om model.onnx\`, and open the .onnx.`;
    case 'coreml':
      return `${what}; convert it to ONNX with onnxmltools: \`python -c "import coremltools, onnxmltools; onnxmltools.utils.save_model(onnxmltools.convert_coreml(coremltools.utils.load_spec('${base}')), '${stem}.onnx')"\`, and open the .onnx.`;
    case 'openvino':
      return `${what} and no tool converts OpenVINO IR back to ONNX; export the original model to ONNX instead (\`torch.onnx.export\`, \`python -m tf2onnx.convert\`) and open that.`;
    case 'ncnn':
      return `${what} and no tool converts ncnn back to ONNX; export the original model to ONNX instead (\`torch.onnx.export\`, \`python -m tf2onnx.convert\`) and open that.`;
    case 'darknet':
      return `${what}; convert its .cfg and .weights to a TensorFlow SavedModel with a Darknet converter (for example tensorflow-yolov4-tflite's \`python save_model.py --weights WEIGHTS.weights --output ./saved_model\`), then to ONNX with \`python -m tf2onnx.convert --saved-model ./saved_model --output model.onnx\`.`;
    case 'mxnet':
      return `${what}; export it to ONNX with MXNet 1.9: \`python -c "import mxnet as mx; mx.onnx.export_model('NAME-symbol.json', 'NAME-0000.params', [(1, 3, 224, 224)], 'float32', 'model.onnx')"\`, and open the .onnx.`;
    case 'paddle':
      return `${what}; convert it to ONNX with \`paddle2onnx --model_dir ${folder} --model_filename ${stem}.pdmodel --params_filename ${stem}.pdiparams --save_file model.onnx\` and open the .onnx.`;
    case 'gguf':
      return `${what}: Layer Lens shows convolutional networks, and a language model has no ONNX export to open.`;
    default:
      return `${what}.`;
  }
}
