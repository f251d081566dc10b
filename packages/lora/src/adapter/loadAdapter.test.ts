import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { AdapterError, isAdapterError } from '../errors.js';
import { serializeSafetensors } from '../safetensors/serializeSafetensors.js';
import { toFloat32 } from '../safetensors/toFloat32.js';
import { randomAdapter, randomMatrix } from '../testing/helpers.js';
import { createAdapter } from './createAdapter.js';
import { adapterIntegrity } from './integrity.js';
import { loadAdapter } from './loadAdapter.js';
import { saveAdapter } from './saveAdapter.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const lineage = {
  adapterId: 'legal-qa-v1',
  baseModel: { name: 'meta-llama/Llama-3.1-8B', family: 'llama' },
  datanets: [
    { datanetId: 'dn_legal', version: 3, weight: 0.75 },
    { datanetId: 'dn_contracts', version: 1, weight: 0.25 },
  ],
  trainer: { name: 'modelfactory', jobId: 'job_1' },
  hyperparameters: { r: 4, lora_alpha: 8, epochs: 3, learning_rate: 0.0002 },
};

function sample() {
  return randomAdapter(
    [
      { name: 'model.layers.0.self_attn.q_proj', in: 16, out: 16 },
      { name: 'model.layers.0.self_attn.v_proj', in: 16, out: 8 },
      { name: 'model.layers.1.self_attn.q_proj', in: 16, out: 16, r: 2 },
    ],
    {
      r: 4,
      lora_alpha: 8,
      target_modules: ['q_proj', 'v_proj'],
      rank_pattern: { 'layers.1.self_attn.q_proj': 2 },
      alpha_pattern: { v_proj: 2 },
      base_model_name_or_path: 'meta-llama/Llama-3.1-8B',
      task_type: 'CAUSAL_LM',
      some_future_field: { nested: [1, 2] },
    },
    1,
    { lineage },
  );
}

describe('createAdapter', () => {
  test('applies rank_pattern and alpha_pattern per module as PEFT matches them', () => {
    const a = sample();
    const byName = Object.fromEntries(a.modules.map((m) => [m.name, m]));
    expect(byName['model.layers.0.self_attn.q_proj']).toMatchObject({ r: 4, alpha: 8, scaling: 2 });
    expect(byName['model.layers.0.self_attn.v_proj']).toMatchObject({ r: 4, alpha: 2, scaling: 0.5 });
    expect(byName['model.layers.1.self_attn.q_proj']).toMatchObject({ r: 2, alpha: 8, scaling: 4 });
  });

  test('pattern keys are anchored at a dot boundary: "q_proj" does not match "xq_proj"', () => {
    const a = randomAdapter(
      [{ name: 'layers.0.xq_proj', in: 4, out: 4 }],
      { r: 2, lora_alpha: 2, alpha_pattern: { q_proj: 8 } },
      2,
    );
    expect(a.modules[0]!.scaling).toBe(1);
    const b = randomAdapter(
      [{ name: 'layers.0.q_proj', in: 4, out: 4 }],
      { r: 2, lora_alpha: 2, alpha_pattern: { q_proj: 8 } },
      2,
    );
    expect(b.modules[0]!.scaling).toBe(4);
  });

  test('rsLoRA scales by alpha / sqrt(r)', () => {
    const a = randomAdapter(
      [{ name: 'q', in: 4, out: 4, r: 16 }],
      { r: 16, lora_alpha: 8, use_rslora: true },
      3,
    );
    expect(a.modules[0]!.scaling).toBe(2);
  });

  test('embedding adapters use lora_embedding_A/B', () => {
    const a = randomAdapter(
      [{ name: 'model.embed_tokens', in: 50, out: 8, embedding: true }],
      { r: 4, lora_alpha: 4 },
      4,
    );
    expect(a.modules[0]).toMatchObject({ kind: 'embedding', inFeatures: 50, outFeatures: 8 });
  });

  test.each([
    [
      'MISSING_TENSOR',
      { 'base_model.model.q.lora_A.weight': { dtype: 'F32', shape: [2, 4], data: new Float32Array(8) } },
    ],
    [
      'SHAPE_MISMATCH',
      {
        'base_model.model.q.lora_A.weight': { dtype: 'F32', shape: [2, 4], data: new Float32Array(8) },
        'base_model.model.q.lora_B.weight': { dtype: 'F32', shape: [4, 3], data: new Float32Array(12) },
      },
    ],
  ] as const)('rejects inconsistent tensors with %s', (code, tensors) => {
    try {
      createAdapter({ config: { r: 2, lora_alpha: 2 }, tensors: tensors as never });
      expect.unreachable();
    } catch (e) {
      expect(isAdapterError(e) && e.code).toBe(code);
    }
  });

  test('a DoRA config without magnitude vectors is refused', () => {
    expect(() =>
      createAdapter({
        config: { r: 2, use_dora: true },
        tensors: {
          'base_model.model.q.lora_A.weight': { dtype: 'F32', shape: [2, 4], data: new Float32Array(8) },
          'base_model.model.q.lora_B.weight': { dtype: 'F32', shape: [4, 2], data: new Float32Array(8) },
        },
      }),
    ).toThrow(AdapterError);
  });
});

describe('saveAdapter / loadAdapter', () => {
  test('round trips byte for byte, keeping unknown config fields and lineage', async () => {
    const saved = await saveAdapter(sample());
    const loaded = await loadAdapter({ files: saved.files });
    expect(loaded.config.some_future_field).toEqual({ nested: [1, 2] });
    expect(loaded.lineage).toMatchObject({ ...lineage, weightsSha256: saved.weightsSha256 });
    const again = await saveAdapter(loaded);
    for (const name of Object.keys(saved.files)) expect(again.files[name]).toEqual(saved.files[name]);
    expect(again.sha256).toBe(saved.sha256);
    expect(await adapterIntegrity(loaded)).toBe(saved.weightsSha256);
  });

  test('writes PEFT key names, format=pt metadata and a sorted, indented config', async () => {
    const { files } = await saveAdapter(sample());
    const text = new TextDecoder().decode(files['adapter_config.json']);
    const keys = [...text.matchAll(/^ {2}"([^"]+)":/gm)].map((m) => m[1]);
    expect(keys).toEqual([...keys].sort());
    expect(JSON.parse(text)).toMatchObject({
      r: 4,
      lora_alpha: 8,
      peft_type: 'LORA',
      rank_pattern: { 'layers.1.self_attn.q_proj': 2 },
    });
    const header = new TextDecoder().decode(files['adapter_model.safetensors']!.subarray(8, 2000));
    expect(header).toContain('"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"');
    expect(header).toContain('"format":"pt"');
  });

  test('loads lineage embedded in safetensors metadata when lineage.json is absent', async () => {
    const { files } = await saveAdapter(sample());
    const { 'lineage.json': _, ...rest } = files;
    const loaded = await loadAdapter({ files: rest });
    expect(loaded.lineage?.datanets.map((d) => d.weight)).toEqual([0.75, 0.25]);
  });

  test('loads a PEFT-layout directory written by hand (F16 weights, no lineage)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lora-'));
    dirs.push(dir);
    const config = {
      base_model_name_or_path: 'gpt2',
      bias: 'none',
      fan_in_fan_out: true,
      lora_alpha: 16,
      lora_dropout: 0.05,
      peft_type: 'LORA',
      r: 8,
      target_modules: ['c_attn'],
      task_type: 'CAUSAL_LM',
    };
    await writeFile(join(dir, 'adapter_config.json'), JSON.stringify(config, null, 2));
    const A = Uint16Array.from({ length: 8 * 12 }, (_, i) => 0x3c00 + (i % 3)); // ~1.0
    const B = new Uint16Array(36 * 8).fill(0x3800); // 0.5
    await writeFile(
      join(dir, 'adapter_model.safetensors'),
      serializeSafetensors(
        {
          'base_model.model.transformer.h.0.attn.c_attn.lora_A.weight': {
            dtype: 'F16',
            shape: [8, 12],
            data: A,
          },
          'base_model.model.transformer.h.0.attn.c_attn.lora_B.weight': {
            dtype: 'F16',
            shape: [36, 8],
            data: B,
          },
        },
        { format: 'pt' },
      ),
    );
    const progress: number[] = [];
    const a = await loadAdapter(dir, { onProgress: (p) => progress.push(p.loaded) });
    expect(a.modules[0]).toMatchObject({
      name: 'transformer.h.0.attn.c_attn',
      fanInFanOut: true,
      scaling: 2,
      inFeatures: 12,
      outFeatures: 36,
    });
    expect(toFloat32(a.modules[0]!.B)[0]).toBe(0.5);
    expect(a.lineage).toBeUndefined();
    expect(progress.length).toBeGreaterThan(0);
    const bytes = await readFile(join(dir, 'adapter_model.safetensors'));
    const sha = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
    await expect(loadAdapter(dir, { sha256: sha })).resolves.toBeDefined();
    await expect(loadAdapter(dir, { sha256: '0'.repeat(64) })).rejects.toMatchObject({
      code: 'INTEGRITY_MISMATCH',
    });
  });

  test('loads browser File objects', async () => {
    const { files } = await saveAdapter(sample());
    const list = Object.entries(files).map(
      ([name, bytes]) => new File([bytes as Uint8Array<ArrayBuffer>], name),
    );
    const a = await loadAdapter(list);
    expect(a.modules).toHaveLength(3);
  });

  test('detects tampered weights through the lineage hash', async () => {
    const adapter = sample();
    const { files } = await saveAdapter(adapter);
    const tampered = createAdapter({
      config: adapter.config,
      tensors: new Map(
        adapter.modules.flatMap((m, i) => [
          [
            `base_model.model.${m.name}.lora_A.weight`,
            i === 0 ? { ...m.A, data: randomMatrix(m.r, m.inFeatures, 99) } : m.A,
          ],
          [`base_model.model.${m.name}.lora_B.weight`, m.B],
        ]),
      ),
    });
    const tamperedFiles = (await saveAdapter(tampered)).files;
    const mixed = { ...tamperedFiles, 'lineage.json': files['lineage.json']! };
    await expect(loadAdapter({ files: mixed }, { verifyLineage: true })).rejects.toMatchObject({
      code: 'INTEGRITY_MISMATCH',
    });
    await expect(loadAdapter({ files }, { verifyLineage: true })).resolves.toBeDefined();
  });

  test('checks a local adapter against a base model before parsing its weights', async () => {
    const { files } = await saveAdapter(sample());
    const llama = {
      family: 'llama',
      hiddenSize: 16,
      numHiddenLayers: 2,
      numAttentionHeads: 2,
      numKeyValueHeads: 1,
    };
    await expect(loadAdapter({ files }, { baseModel: llama })).resolves.toBeDefined();
    await expect(
      loadAdapter({ files }, { baseModel: { ...llama, numHiddenLayers: 1 } }),
    ).rejects.toMatchObject({
      code: 'INCOMPATIBLE',
    });
  });

  test('reports missing files and invalid configs with typed errors', async () => {
    const { files } = await saveAdapter(sample());
    await expect(
      loadAdapter({ files: { 'adapter_config.json': files['adapter_config.json']! } }),
    ).rejects.toMatchObject({
      code: 'MISSING_FILE',
    });
    await expect(
      loadAdapter({ files: { ...files, 'adapter_config.json': new TextEncoder().encode('{"r": -1}') } }),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
