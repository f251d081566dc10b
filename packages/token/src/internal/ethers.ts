import { Contract, type ContractRunner, Interface, type InterfaceAbi, type TransactionReceipt } from 'ethers';
import { ContractError } from '../errors.js';
import { gOpenAbi } from '../generated/GOpen.generated.js';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { paymentChannelAbi } from '../generated/PaymentChannel.generated.js';
import { rewardDistributorAbi } from '../generated/RewardDistributor.generated.js';

let errorInterface: Interface | undefined;

// One interface holding every custom error our contracts (and the OZ code they use) can
// raise, so a revert that bubbled through another contract still decodes by name.
function errors(): Interface {
  errorInterface ??= new Interface(
    [...paymentChannelAbi, ...rewardDistributorAbi, ...gOpenAbi, ...openTokenAbi].filter(
      (f, i, all) =>
        f.type === 'error' &&
        all.findIndex((g) => g.type === 'error' && 'name' in g && g.name === (f as { name: string }).name) ===
          i,
    ) as InterfaceAbi,
  );
  return errorInterface;
}

function revertData(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === 'string' && data.startsWith('0x') && data.length >= 10) return data;
    const inner = (e as { info?: { error?: { data?: unknown } } }).info?.error?.data;
    if (typeof inner === 'string' && inner.startsWith('0x') && inner.length >= 10) return inner;
    e = (e as { error?: unknown; cause?: unknown }).error ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turn an ethers failure into a {@link ContractError} with the decoded custom error. */
export function toContractError(action: string, err: unknown): ContractError {
  const data = revertData(err);
  if (data) {
    try {
      const parsed = errors().parseError(data);
      if (parsed) {
        return new ContractError(`${action} reverted with ${parsed.name}.`, {
          errorName: parsed.name,
          args: [...parsed.args],
          cause: err,
        });
      }
    } catch {
      // Unknown selector: fall through to the generic error.
    }
  }
  const reason = (err as { shortMessage?: string; reason?: string }).shortMessage ?? (err as Error).message;
  return new ContractError(`${action} failed.`, { details: reason, cause: err });
}

/** Send a contract transaction, wait for it, and map failures to {@link ContractError}. */
export async function send(
  action: string,
  contract: Contract,
  method: string,
  args: unknown[],
  overrides: Record<string, unknown> = {},
): Promise<TransactionReceipt> {
  try {
    const tx = await contract.getFunction(method)(...args, overrides);
    const receipt = (await tx.wait()) as TransactionReceipt | null;
    if (receipt?.status !== 1) throw new Error('transaction was not mined successfully');
    return receipt;
  } catch (err) {
    throw toContractError(action, err);
  }
}

export function contract(address: string, abi: InterfaceAbi, runner: ContractRunner): Contract {
  return new Contract(address, abi, runner);
}
