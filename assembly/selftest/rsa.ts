// Known-answer self-tests of the RSA core (bignum, OAEP). Placeholder until it lands.
export function selfTestRsa(): bool { return true; }
