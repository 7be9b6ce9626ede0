// Entry point of the byok-toolkit Wasm core: exports only, plus the one-time known-answer self-tests.
// A failed self-test makes every later export return ERR_SELFTEST (the host turns it into an exception).
import { setSelfTestState } from "./abi";
import { selfTestSymmetric } from "./selftest/symmetric";
import { selfTestRsa } from "./selftest/rsa";

export * from "./exports/common";
export * from "./exports/symmetric";
export * from "./exports/rsa";
export * from "./exports/rsa-public";

setSelfTestState(selfTestSymmetric() && selfTestRsa());
