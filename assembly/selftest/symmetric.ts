// Known-answer self-tests of the symmetric core (hashes, AES, KW/KWP). Placeholder until it lands.
export function selfTestSymmetric(): bool { return true; }
