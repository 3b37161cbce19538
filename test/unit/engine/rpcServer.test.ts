// The engine's RPC server in-process with stand-in handlers: every request is acknowledged, unknown methods
// (Object.prototype's names included) and bad params are answered with one sentence without reaching a
// handler, and a request waiting in its prepare step does not hold up the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcServer, type HandlerTable } from '../../../src/engine/rpcServer';
import type { EngineToHost } from '../../../src/shared/protocol/engineProtocol';

function server(prepare?: ConstructorParameters<typeof RpcServer>[2]) {
  const sent: EngineToHost[] = [];
  const calls: string[] = [];
  const handler = (name: string) => async () => {
    calls.push(name);
    return { numTensors: 0, numBytes: 0 } as never;
  };
  const handlers = {
    init: handler('init'), loadModel: handler('loadModel'), memory: handler('memory'), kernels: handler('kernels'),
    'featureMaps.open': handler('featureMaps.open'), 'featureMaps.layer': handler('featureMaps.layer'),
    'topk.find': handler('topk.find'), actmax: handler('actmax'), 'attribution.run': handler('attribution.run'),
    'atlas.run': handler('atlas.run'),
    'pytorch.inspect': handler('pytorch.inspect'), 'pytorch.convert': handler('pytorch.convert'), 'torchvision.export': handler('torchvision.export'),
    'unit.page': handler('unit.page'),
  } as HandlerTable;
  const rpc = new RpcServer(handlers, (m) => sent.push(m), prepare);
  const answer = async (id: number) => {
    for (let i = 0; i < 100; i++) {
      const m = sent.find((x) => (x.type === 'response' || x.type === 'error') && x.id === id);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 5));
    }
    return undefined;
  };
  return { rpc, sent, calls, answer };
}

test("Object.prototype's names are not methods and reach no handler", async () => {
  const { rpc, sent, calls, answer } = server();
  const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];
  names.forEach((method, i) => rpc.receive({ type: 'request', id: i + 1, method, params: {} }));
  for (let i = 0; i < names.length; i++) {
    const m = await answer(i + 1);
    assert.ok(m?.type === 'error', JSON.stringify(m));
    assert.equal(m.error.code, 'badArgument');
    assert.equal(m.error.message, `The engine has no method named ${names[i]}.`);
  }
  assert.deepEqual(calls, []);
  assert.equal(sent.filter((m) => m.type === 'accepted').length, names.length);
});

test('bad params are answered before the handler; good ones run it', async () => {
  const { rpc, calls, answer } = server();
  rpc.receive({ type: 'request', id: 1, method: 'kernels', params: { modelPath: '/m', layerId: 'c', mode: 'x', normalize: 'filter' } });
  rpc.receive({ type: 'request', id: 2, method: 'memory', params: {} });
  const bad = await answer(1);
  assert.ok(bad?.type === 'error' && bad.error.code === 'badArgument', JSON.stringify(bad));
  assert.equal((await answer(2))?.type, 'response');
  assert.deepEqual(calls, ['memory']);
});

test('malformed messages are logged and dropped, never thrown', () => {
  const { rpc, sent } = server();
  for (const msg of [null, 7, 'x', {}, { type: 'request' }, { type: 'request', id: 'a' }, { type: 'nope', id: 1 }]) rpc.receive(msg);
  assert.ok(sent.every((m) => m.type === 'log'));
  assert.equal(sent.length, 7);
});

test('a request stuck in its prepare step does not hold up the next one, and a cancel ends it', async () => {
  const { rpc, answer } = server((method, _params, signal) =>
    method === 'loadModel'
      ? new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('The request was cancelled.'), { code: 'cancelled' }))))
      : undefined,
  );
  rpc.receive({ type: 'request', id: 1, method: 'loadModel', params: { path: '/cyclic/model.json' } });
  rpc.receive({ type: 'request', id: 2, method: 'memory', params: {} });
  assert.equal((await answer(2))?.type, 'response');
  assert.equal(await answer(1), undefined);
  rpc.receive({ type: 'cancel', id: 1 });
  const cancelled = await answer(1);
  assert.ok(cancelled?.type === 'error' && cancelled.error.code === 'cancelled', JSON.stringify(cancelled));
});
