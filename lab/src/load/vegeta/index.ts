/** vegeta, the open-model load generator: finding the binary, writing targets, running attacks. */
export {
  type Attack,
  type AttackOptions,
  type AttackRequest,
  runAttack,
  type SingleRequest,
  type TargetFileRequest,
} from './attack.js';
export { findVegeta, VEGETA_SETUP_HINT, type VegetaBinary } from './binary.js';
export { expectedRequests, parseGoTime, resultToRecord } from './results.js';
