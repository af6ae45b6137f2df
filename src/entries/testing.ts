export type { ContractTools, StoreFactory } from '../testing/contract-tools.js';
export { type StoreContractOptions, storeContract } from '../testing/store-contract.js';
