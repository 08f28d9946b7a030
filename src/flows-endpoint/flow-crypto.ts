import { constants, createCipheriv, createDecipheriv, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';

/**
 * The encryption of WhatsApp Flows data-endpoint requests and responses, as Meta's "Implementing
 * Endpoint for Flows" describes it
 * (https://developers.facebook.com/docs/whatsapp/flows/guides/implementingyourflowendpoint):
 * the client makes a fresh AES-128 key per request, wraps it with the business's RSA public key
 * (RSA-OAEP, SHA-256), encrypts the JSON with AES-128-GCM (the 16-byte tag appended to the
 * ciphertext) and sends the three parts base64-encoded. The response is encrypted with the same
 * AES key and the request's IV with every bit flipped, and sent as base64. node:crypto only.
 */

/** The request body WhatsApp POSTs to the endpoint. */
export interface EncryptedFlowRequest {
  encrypted_flow_data: string;
  encrypted_aes_key: string;
  initial_vector: string;
}

/** The request could not be decrypted: HTTP 421, which makes the client refetch the public key and retry. */
export class FlowDecryptError extends Error {
  override readonly name = 'FlowDecryptError';
}

const TAG_LENGTH = 16;

/** Loads the PEM private key (WHATSAPP_FLOWS_PRIVATE_KEY), unlocking it with `passphrase` when encrypted. */
export function loadFlowsPrivateKey(pem: string, passphrase?: string): KeyObject {
  try {
    return createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
  } catch (error) {
    throw new Error(
      `WHATSAPP_FLOWS_PRIVATE_KEY could not be read as a PEM private key${passphrase === undefined ? ' (is it encrypted? set WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE)' : ' with WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE'}: ${(error as Error).message}`,
    );
  }
}

/** A decrypted Flows request, with the AES key and IV its answer must be encrypted with. */
export interface DecryptedFlowRequest {
  /** The request JSON (`action`, `screen`, `data`, `flow_token`, `version`). */
  payload: unknown;
  /** Kept to encrypt the response. */
  aesKey: Buffer;
  iv: Buffer;
}

const isBase64 = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && /^[A-Za-z0-9+/]+=*$/.test(v);

/** Whether a parsed body has the three encrypted parts (anything else is a 400, not a key problem). */
export function isEncryptedFlowRequest(body: unknown): body is EncryptedFlowRequest {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return isBase64(b.encrypted_flow_data) && isBase64(b.encrypted_aes_key) && isBase64(b.initial_vector);
}

/** Decrypts a request; throws FlowDecryptError when the key or the ciphertext does not fit. */
export function decryptFlowRequest(body: EncryptedFlowRequest, privateKey: KeyObject): DecryptedFlowRequest {
  let aesKey: Buffer;
  try {
    aesKey = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(body.encrypted_aes_key, 'base64'));
  } catch {
    throw new FlowDecryptError('encrypted_aes_key does not decrypt with our private key (the client may hold an old public key)');
  }
  if (aesKey.length !== 16) throw new FlowDecryptError(`the AES key is ${aesKey.length} bytes, expected 16 (AES-128)`);
  const iv = Buffer.from(body.initial_vector, 'base64');
  const data = Buffer.from(body.encrypted_flow_data, 'base64');
  if (iv.length === 0 || data.length <= TAG_LENGTH) throw new FlowDecryptError('initial_vector or encrypted_flow_data is too short');
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-128-gcm', aesKey, iv);
    decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
    plaintext = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_LENGTH)), decipher.final()]).toString('utf8');
  } catch {
    throw new FlowDecryptError('encrypted_flow_data failed authentication (tampered, or not encrypted with this key and IV)');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(plaintext);
  } catch {
    throw new FlowDecryptError('the decrypted request is not JSON');
  }
  return { payload, aesKey, iv };
}

/** The request's IV with every bit flipped: the IV of the response. */
export function flipIv(iv: Buffer): Buffer {
  return Buffer.from(iv.map((byte) => ~byte & 0xff));
}

/** Encrypts a response body for the request it answers; the result is the HTTP body (base64 text). */
export function encryptFlowResponse(response: unknown, aesKey: Buffer, iv: Buffer): string {
  const cipher = createCipheriv('aes-128-gcm', aesKey, flipIv(iv));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(response), 'utf8'), cipher.final()]);
  return Buffer.concat([ciphertext, cipher.getAuthTag()]).toString('base64');
}
