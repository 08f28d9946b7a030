import { constants, createCipheriv, createDecipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import { signBody } from '../../src/webhook/signature.ts';

/**
 * The WhatsApp client's side of the Flows data-endpoint protocol, written from Meta's "Implementing
 * Endpoint for Flows": a fresh 128-bit AES key and 128-bit IV per request; the AES key encrypted
 * with the business's RSA public key (RSA-OAEP, SHA-256 as hash and MGF1 hash); the JSON encrypted
 * with AES-128-GCM, its 16-byte tag appended; all three base64. The response is base64 of
 * AES-128-GCM(ciphertext || tag) under the same key and the IV with every bit flipped.
 */
export interface ClientRequest {
  body: { encrypted_flow_data: string; encrypted_aes_key: string; initial_vector: string };
  aesKey: Buffer;
  iv: Buffer;
}

export function encryptRequest(payload: unknown, publicKeyPem: string): ClientRequest {
  const aesKey = randomBytes(16);
  const iv = randomBytes(16);
  const encryptedKey = publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aesKey);
  const cipher = createCipheriv('aes-128-gcm', aesKey, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    body: { encrypted_flow_data: data.toString('base64'), encrypted_aes_key: encryptedKey.toString('base64'), initial_vector: iv.toString('base64') },
    aesKey,
    iv,
  };
}

export function decryptResponse(base64: string, aesKey: Buffer, iv: Buffer): unknown {
  const data = Buffer.from(base64, 'base64');
  const flipped = Buffer.from(iv.map((b) => ~b & 0xff));
  const decipher = createDecipheriv('aes-128-gcm', aesKey, flipped);
  decipher.setAuthTag(data.subarray(data.length - 16));
  return JSON.parse(Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8'));
}

/** POSTs a request body to `/flows/endpoint` as Meta does (signed with the app secret when given). */
export async function postFlowRequest(url: string, body: unknown, appSecret?: string, signature?: string): Promise<Response> {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-hub-signature-256'] = signature;
  else if (appSecret !== undefined) headers['x-hub-signature-256'] = signBody(raw, appSecret);
  return fetch(`${url}/flows/endpoint`, { method: 'POST', headers, body: raw });
}

/** One full exchange: encrypt, POST, and decrypt a 200 answer (other statuses come back as they are). */
export async function exchange(url: string, payload: unknown, publicKeyPem: string, appSecret?: string): Promise<{ status: number; body: unknown }> {
  const request = encryptRequest(payload, publicKeyPem);
  const res = await postFlowRequest(url, request.body, appSecret);
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  return { status: 200, body: decryptResponse(text, request.aesKey, request.iv) };
}
