export type { ContractTools, StoreFactory } from '../testing/contract-tools.js';
export type { FastCheckApi, NamedCommit, Step } from '../testing/differential-steps.js';
export { type StoreContractOptions, storeContract } from '../testing/store-contract.js';
export { type StoreDifferentialOptions, storeDifferential } from '../testing/store-differential.js';
