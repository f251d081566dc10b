import { describe, expect, test } from 'vitest';
import { compileContracts, staleArtifacts } from '../../scripts/build-contracts.js';

describe('generated contract artifacts', () => {
  test('match a fresh solc compile of contracts/ (run npm run build:contracts -w packages/token)', () => {
    const files = compileContracts();
    expect([...files.keys()].sort()).toEqual(
      expect.arrayContaining([
        'GOpen.generated.ts',
        'OpenToken.generated.ts',
        'PaymentChannel.generated.ts',
        'RewardDistributor.generated.ts',
      ]),
    );
    expect(staleArtifacts(files)).toEqual([]);
  }, 120_000);
});
