// Errors a `byok serve` route answers with: the HTTP status, the service's error code and message, and
// an optional inner code, rendered as Key Vault's `{ error: { code, message, innererror } }` by http.ts.
// Codes and wording follow the Managed HSM service where it is known (managed-hsm-endpoint.md §1.6);
// where the service's text is unknown the message says plainly what is wrong and how to fix it.
import { ByokError } from '../errors.js';

export class ServiceError extends ByokError {
  readonly status: number;
  readonly serviceCode: string;
  readonly innerCode: string | undefined;
  /** Extra response headers (the 401 challenge). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, serviceCode: string, message: string, opts: { inner?: string; headers?: Record<string, string> } = {}) {
    super('SERVE_REQUEST', message);
    this.status = status;
    this.serviceCode = serviceCode;
    this.innerCode = opts.inner;
    this.headers = opts.headers ?? {};
  }
}

export const badParameter = (message: string, inner?: string): ServiceError =>
  new ServiceError(400, 'BadParameter', message, inner === undefined ? {} : { inner });

export const keyNotFound = (name: string): ServiceError =>
  new ServiceError(404, 'KeyNotFound', `A key with (name/id) ${name} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command.`);

export const deletedKeyNotFound = (name: string): ServiceError =>
  new ServiceError(404, 'KeyNotFound', `Deleted Key not found: ${name}`);

export const notFound = (what: string): ServiceError => new ServiceError(404, 'NotFound', `${what} was not found on this server.`);

/** A key operation the key's key_ops (or its state) does not allow. */
export const operationForbidden = (op: string, why: string): ServiceError =>
  new ServiceError(403, 'Forbidden', `Operation "${op}" is not allowed ${why}.`, { inner: 'KeyOperationForbidden' });
