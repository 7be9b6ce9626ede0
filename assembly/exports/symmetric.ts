// Exports of the symmetric core (hashes, AES, KW/KWP). Placeholder until it lands.
