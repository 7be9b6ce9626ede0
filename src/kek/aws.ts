// AWS KMS wrapping key: what `aws kms get-parameters-for-import --output json` prints, the SDK v3
// GetParametersForImportCommand output, or the bare public key (PublicKey.bin: DER SubjectPublicKeyInfo, or
// PEM). byok-formats.md §2.1.
//
//   { "KeyId": "arn:aws:kms:<region>:<account>:key/<id>", "ImportToken": <base64>, "PublicKey": <base64 DER SPKI>,
//     "ParametersValidTo": 1593893322.32 }                 -- AWS CLI v1, or v2 with cli_timestamp_format wire
//   "ParametersValidTo": "2020-07-04T20:08:42.320000+00:00"  -- AWS CLI v2 (iso8601, the local offset)
//
// The response does not say which wrapping algorithm was requested: the caller names it when wrapping.
import { bytesMember, derMember, expectCloud, malformed, member, readCloudKek, requiredString, validityOf } from './cloud-json.js';
import type { KekAdvice, ParsedKek } from './read.js';
import { parseTimestamp } from './timestamps.js';
import type { AwsWrappingKey, ReadWrappingKeyOptions } from './types.js';

export const AWS_ADVICE: KekAdvice = {
  rsa: 'an AWS KMS wrapping key is an RSA public key: get it with aws kms get-parameters-for-import --key-id <key> --wrapping-algorithm <algorithm> --wrapping-key-spec RSA_4096',
  download: 'it is the PublicKey that aws kms get-parameters-for-import prints',
};

// Key ARNs in every partition (aws, aws-cn, aws-us-gov, aws-iso…), or a bare key id (UUID or multi-Region mrk-).
const KEY_ID = /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/)?(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

interface AwsParsed extends ParsedKek {
  aws: AwsWrappingKey['aws'];
}

function fromJson(obj: Record<string, unknown>): AwsParsed {
  expectCloud(obj, 'aws');
  const pk = bytesMember(obj, 'PublicKey', '');
  const parsed = derMember(pk.bytes, 'PublicKey', AWS_ADVICE, pk.sdk ? 'aws-sdk' : 'aws-json');
  const token = bytesMember(obj, 'ImportToken', '').bytes;
  const keyId = requiredString(obj, 'KeyId', '');
  if (!KEY_ID.test(keyId)) throw malformed('KeyId', `${JSON.stringify(keyId.slice(0, 100))} is not a KMS key ARN or key id`);
  const validTo = member(obj, 'ParametersValidTo');
  return {
    ...parsed,
    aws: {
      keyId,
      importToken: token,
      ...(validTo === undefined ? {} : { parametersValidTo: parseTimestamp(validTo, 'ParametersValidTo', true) }),
    },
  };
}

const WHAT = 'the output of aws kms get-parameters-for-import (JSON), or its PublicKey as DER or PEM';

/**
 * Reads an AWS KMS wrapping key. Refuses another cloud's JSON (KEK_WRONG_CLOUD, naming it), a malformed member
 * (MALFORMED_KEK, naming it), a key that is not RSA (KEK_NOT_RSA) or under 2048 bits (KEK_UNSUPPORTED_SIZE).
 */
export function readAwsWrappingKey(input: Uint8Array | string | object, opts: ReadWrappingKeyOptions = {}): AwsWrappingKey {
  const { kek, json } = readCloudKek(input, opts, 'aws', fromJson, WHAT, AWS_ADVICE);
  const aws = json?.aws ?? {};
  const validity = validityOf({
    ...(aws.parametersValidTo === undefined ? {} : { expiresAt: aws.parametersValidTo }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    what: 'the import token and public key',
    renew: 'run aws kms get-parameters-for-import again (they are valid for 24 hours)',
  });
  return { ...kek, cloud: 'aws', validity, aws };
}
