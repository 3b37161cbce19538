// The Python that Layer Lens runs with the user's interpreter (sent on its stdin, so no file has to ship beside the
// bundles). Commands: probe | inspect PATH | convert PATH N,C,H,W OUT | torchvision NAME 0|1 OUT. It answers in JSON
// lines on stdout (progress, then one result or error); torch's own output goes to stderr, which only the log sees.
// Kept compatible with Python 3.8 and torch 1.10 to 2.x.
// One script in one namespace, written in parts with one job each (each part may call what an earlier or later one
// defines, since nothing runs before main): the protocol, reading a .pt/.pth, inspect, convert to ONNX, torchvision
// export, and the command dispatch below.
import { CONVERT_PY } from './torchHelperConvertPy';
import { INSPECT_PY } from './torchHelperInspectPy';
import { LOAD_PY } from './torchHelperLoadPy';
import { PROTOCOL_PY } from './torchHelperProtocolPy';
import { TORCHVISION_PY } from './torchHelperTorchvisionPy';

// Runs the command its arguments name; every outcome, a crash included, ends as one JSON line.
const MAIN_PY = String.raw`
def main(argv):
    watch_parent()
    try:
        cmd = argv[0] if argv else ''
        if cmd == 'probe':
            result = probe()
        elif cmd == 'inspect':
            result = inspect_file(argv[1])
        elif cmd == 'convert':
            result = convert(argv[1], argv[2], argv[3])
        elif cmd == 'torchvision':
            result = torchvision_export(argv[1], argv[2] == '1', argv[3])
        else:
            raise Failure('usage', cmd)
        emit('result', result=result)
    except Failure as f:
        fields = {'kind': f.kind}
        if f.detail:
            fields['detail'] = f.detail
        fields.update(f.extra)
        emit('error', **fields)
    except BaseException as err:
        traceback.print_exc()
        emit('error', kind='unexpected', detail=last_line(err))
    finally:
        _protocol.flush()


main(sys.argv[1:])
`;

// Each part starts and ends with a line break: joined on one more, two blank lines stand between them, as PEP 8 has it.
export const TORCH_HELPER_PY = [PROTOCOL_PY, LOAD_PY, INSPECT_PY, CONVERT_PY, TORCHVISION_PY, MAIN_PY].join('\n');
