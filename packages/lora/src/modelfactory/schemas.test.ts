import { describe, expect, test } from 'vitest';
import { FineTuneJobSpecSchema } from './schemas.js';

const base = { baseModel: 'meta-llama/Llama-3.1-8B', datanets: [{ datanetId: 'dn_legal', version: 3 }] };

describe('FineTuneJobSpecSchema', () => {
  test('fills defaults', () => {
    expect(FineTuneJobSpecSchema.parse(base)).toMatchObject({
      method: 'lora',
      r: 8,
      alpha: 16,
      epochs: 3,
      targetModules: ['q_proj', 'v_proj'],
      datanets: [{ datanetId: 'dn_legal', version: 3, weight: 1 }],
    });
  });

  test('QLoRA needs 4- or 8-bit quantization; LoRA refuses one', () => {
    expect(FineTuneJobSpecSchema.safeParse({ ...base, method: 'qlora' }).success).toBe(false);
    expect(
      FineTuneJobSpecSchema.parse({ ...base, method: 'qlora', quantization: { bits: 4 } }).quantization,
    ).toEqual({
      bits: 4,
      type: 'nf4',
      doubleQuant: true,
      computeDtype: 'bfloat16',
    });
    expect(
      FineTuneJobSpecSchema.safeParse({ ...base, method: 'qlora', quantization: { bits: 3 } }).success,
    ).toBe(false);
    expect(FineTuneJobSpecSchema.safeParse({ ...base, quantization: { bits: 8 } }).success).toBe(false);
  });

  test.each([
    [{ r: 0 }, 'r'],
    [{ learningRate: 1 }, 'learningRate'],
    [{ evalSplit: 0.9 }, 'evalSplit'],
    [{ dropout: -0.1 }, 'dropout'],
    [{ datanets: [] }, 'datanets'],
    [
      {
        datanets: [
          { datanetId: 'a', version: 1 },
          { datanetId: 'a', version: 1 },
        ],
      },
      'datanets',
    ],
    [{ epochs: 1.5 }, 'epochs'],
  ])('rejects %o at %s', (patch, path) => {
    const r = FineTuneJobSpecSchema.safeParse({ ...base, ...patch });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path[0]).toBe(path);
  });
});
