import { describe, expect, test } from 'vitest';
import { saveAdapter } from '../adapter/saveAdapter.js';
import { isAdapterError } from '../errors.js';
import { parseHeaderJson, readHeaderLength } from '../safetensors/header.js';
import { randomAdapter } from '../testing/helpers.js';
import { checkCompatibility } from './checkCompatibility.js';
import { targetModules } from './targetModules.js';

// A miniature LLaMA with grouped-query attention: 64 hidden, 4 heads of 16, 2 KV heads, 128 FFN.
const tinyLlama = {
  family: 'llama',
  hiddenSize: 64,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
  intermediateSize: 128,
};

describe('targetModules', () => {
  test('knows each family ModelFactory offers', () => {
    expect(targetModules('llama').all).toEqual([
      'q_proj',
      'k_proj',
      'v_proj',
      'o_proj',
      'gate_proj',
      'up_proj',
      'down_proj',
    ]);
    expect(targetModules('mixtral').family).toBe('mistral');
    expect(targetModules('qwen2').modulePath(3, 'down_proj')).toBe('model.layers.3.mlp.down_proj');
    expect(targetModules('deepseek').modulePath(0, 'k_proj')).toBe('model.layers.0.self_attn.k_proj');
    expect(targetModules('falcon').default).toEqual(['query_key_value']);
    expect(targetModules('bloom').modulePath(1, 'query_key_value')).toBe(
      'transformer.h.1.self_attention.query_key_value',
    );
    expect(targetModules('chatglm').modulePath(0, 'dense_4h_to_h')).toBe(
      'transformer.encoder.layers.0.mlp.dense_4h_to_h',
    );
    expect(targetModules('gpt2')).toMatchObject({ default: ['c_attn'], fanInFanOut: true });
  });

  test('unknown families are a typed error', () => {
    try {
      targetModules('t5');
      expect.unreachable();
    } catch (e) {
      expect(isAdapterError(e) && e.code).toBe('UNKNOWN_FAMILY');
    }
  });
});

describe('checkCompatibility', () => {
  const good = () =>
    randomAdapter(
      [
        { name: 'model.layers.0.self_attn.q_proj', in: 64, out: 64 },
        { name: 'model.layers.0.self_attn.k_proj', in: 64, out: 32 },
        { name: 'model.layers.1.mlp.down_proj', in: 128, out: 64 },
      ],
      { r: 4, lora_alpha: 8, base_model_name_or_path: 'tiny-llama' },
      1,
    );

  test('accepts an adapter whose modules fit the base model (GQA k_proj is narrower)', () => {
    const report = checkCompatibility(good(), { ...tinyLlama, name: 'tiny-llama' });
    expect(report).toMatchObject({ compatible: true, issues: [] });
    expect(report.modules.map((m) => m.shape)).toEqual([
      [32, 64],
      [64, 64],
      [64, 128],
    ]);
  });

  test('works from the safetensors header alone, before weights load', async () => {
    const { files } = await saveAdapter(good());
    const bytes = files['adapter_model.safetensors']!;
    const n = readHeaderLength(bytes, undefined, 1e8);
    const header = parseHeaderJson(bytes.subarray(8, 8 + n), n, undefined);
    const report = checkCompatibility(
      { config: { r: 4 }, tensors: header.tensors },
      { ...tinyLlama, hiddenSize: 32, numAttentionHeads: 2, numKeyValueHeads: 1 },
    );
    expect(report.compatible).toBe(false);
    expect(report.issues.map((i) => i.code)).toEqual(['SHAPE_MISMATCH', 'SHAPE_MISMATCH', 'SHAPE_MISMATCH']);
  });

  test('warns about weights for modules outside target_modules (PEFT matching: suffix or regex)', () => {
    const mods = [{ name: 'model.layers.0.self_attn.q_proj', in: 64, out: 64 }];
    const listed = checkCompatibility(
      randomAdapter(mods, { r: 2, target_modules: ['q_proj'] }, 1),
      tinyLlama,
    );
    expect(listed.issues).toEqual([]);
    const regex = checkCompatibility(
      randomAdapter(mods, { r: 2, target_modules: '.*layers\\.0\\..*_proj' }, 1),
      tinyLlama,
    );
    expect(regex.issues).toEqual([]);
    const other = checkCompatibility(
      randomAdapter(mods, { r: 2, target_modules: ['v_proj', 'xq_proj'] }, 1),
      tinyLlama,
    );
    expect(other).toMatchObject({
      compatible: true,
      issues: [{ code: 'NOT_A_TARGET', severity: 'warning' }],
    });
  });

  test('reports unknown modules, layers out of range and a different base model', () => {
    const a = randomAdapter(
      [
        { name: 'model.layers.5.self_attn.q_proj', in: 64, out: 64 },
        { name: 'model.layers.0.self_attn.query_key_value', in: 64, out: 192 },
      ],
      { r: 2, lora_alpha: 2, base_model_name_or_path: 'other' },
      2,
    );
    const report = checkCompatibility(a, { ...tinyLlama, name: 'tiny-llama' });
    expect(report.issues.map((i) => i.code).sort()).toEqual([
      'BASE_MODEL_MISMATCH',
      'LAYER_OUT_OF_RANGE',
      'UNKNOWN_MODULE',
    ]);
    expect(report.issues.find((i) => i.code === 'BASE_MODEL_MISMATCH')!.severity).toBe('warning');
  });

  test('Falcon multi-query fused query_key_value and GPT-2 Conv1D with fan_in_fan_out', () => {
    const falcon = randomAdapter(
      [{ name: 'transformer.h.0.self_attention.query_key_value', in: 64, out: 96 }],
      { r: 2 },
      3,
    );
    // 4 heads of 16 for queries + 1 shared K + 1 shared V head: (4 + 2) * 16 = 96.
    expect(
      checkCompatibility(falcon, {
        family: 'falcon',
        hiddenSize: 64,
        numHiddenLayers: 1,
        numAttentionHeads: 4,
        numKeyValueHeads: 1,
      }).compatible,
    ).toBe(true);
    const gpt2Mods = [
      { name: 'transformer.h.0.attn.c_attn', in: 48, out: 144 },
      { name: 'transformer.h.0.mlp.c_proj', in: 192, out: 48 },
    ];
    const gpt2Info = { family: 'gpt2', hiddenSize: 48, numHiddenLayers: 1, numAttentionHeads: 4 };
    expect(
      checkCompatibility(randomAdapter(gpt2Mods, { r: 2, fan_in_fan_out: true }, 4), gpt2Info).compatible,
    ).toBe(true);
    const noFlag = checkCompatibility(randomAdapter(gpt2Mods, { r: 2 }, 4), gpt2Info);
    expect(noFlag.issues.map((i) => i.code)).toEqual(['FAN_IN_FAN_OUT']);
  });

  test('ChatGLM and BLOOM shapes', () => {
    const glm = randomAdapter(
      [{ name: 'transformer.encoder.layers.0.mlp.dense_h_to_4h', in: 64, out: 256 }],
      { r: 2 },
      5,
    );
    expect(
      checkCompatibility(glm, {
        family: 'chatglm',
        hiddenSize: 64,
        numHiddenLayers: 1,
        numAttentionHeads: 4,
        numKeyValueHeads: 2,
        intermediateSize: 128,
      }).compatible,
    ).toBe(true);
    const bloom = randomAdapter(
      [{ name: 'transformer.h.0.self_attention.query_key_value', in: 64, out: 192 }],
      { r: 2 },
      6,
    );
    expect(
      checkCompatibility(bloom, { family: 'bloom', hiddenSize: 64, numHiddenLayers: 1, numAttentionHeads: 4 })
        .compatible,
    ).toBe(true);
  });
});
