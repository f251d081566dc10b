/**
 * Serving the scorer with onnxruntime: one ONNX graph whose LoRA factors are graph inputs,
 * so the gateway switches adapters per request without building a new session.
 */
import type { LoraAdapter } from '@openledger/lora';
import { buildLoraMlpModel, createLoraSession, type LoraSession } from '@openledger/lora/onnx';
import * as ort from 'onnxruntime-web';
import { FEATURES, features, MODULE } from './scorer.js';

export interface StyleRuntime {
  session: LoraSession;
  /** P(Melville-like) for each text, under `adapter`. */
  score(texts: readonly string[], adapter: LoraAdapter): Promise<number[]>;
  release(): Promise<void>;
}

/** A session over the scorer graph: frozen base weight zero, everything learned is in the adapter. */
export async function createStyleRuntime(): Promise<StyleRuntime> {
  ort.env.wasm.numThreads = 1;
  const q = FEATURES + 1;
  const graph = buildLoraMlpModel([{ name: MODULE, in: q, out: 2, weight: new Float32Array(2 * q) }]);
  const session = await createLoraSession(graph, { ort });
  return {
    session,
    async score(texts, adapter) {
      const x = new Float32Array(texts.length * q);
      texts.forEach((t, i) => {
        x.set(features(t), i * q);
        x[i * q + FEATURES] = 1;
      });
      const out = await session.run({ x: new ort.Tensor('float32', x, [texts.length, q]) }, { adapter });
      const y = out.y!.data as Float32Array;
      return texts.map((_, i) => 1 / (1 + Math.exp(y[i * 2]! - y[i * 2 + 1]!)));
    },
    release: () => session.release(),
  };
}
