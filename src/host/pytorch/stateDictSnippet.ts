// What a state-dict-only .pt/.pth gets: the sentence that says why it cannot open, and a Python snippet that
// turns it into a file that can (a TorchScript traced at the input shape, which keeps the module names).
import * as path from 'node:path';
import { DEFAULT_INPUT_SHAPE } from './inputShape';

export function stateDictSentence(file: string): string {
  return `${path.basename(file)} holds only weights (a state dict), not the model's architecture: load it into your model's class and save it as TorchScript (Copy export snippet), then open that file.`;
}

/** Python that loads the weights into the user's class and saves a TorchScript beside the file. */
export function stateDictExportSnippet(file: string, className = 'MyModel'): string {
  const dot = file.lastIndexOf('.');
  const out = `${dot > file.lastIndexOf(path.sep) ? file.slice(0, dot) : file}.torchscript.pt`;
  const cls = /^[A-Za-z_][A-Za-z0-9_]*$/.test(className) ? className : 'MyModel';
  return [
    'import torch',
    `from my_models import ${cls}  # the module that defines your model's class`,
    '',
    `model = ${cls}()`,
    `model.load_state_dict(torch.load(${pyString(file)}, map_location="cpu"))`,
    'model.eval()',
    `example = torch.zeros(${DEFAULT_INPUT_SHAPE.join(', ')})  # N, C, H, W: the size your model takes`,
    'with torch.no_grad():',
    `    torch.jit.trace(model, example).save(${pyString(out)})`,
    '',
  ].join('\n');
}

/** A Python string literal for any path (quotes, backslashes and non-ASCII escaped through JSON's rules). */
function pyString(text: string): string {
  return JSON.stringify(text);
}
