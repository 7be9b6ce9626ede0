// Exports of the RSA core (OAEP, RSA-AES key wrap). Placeholder until it lands.
