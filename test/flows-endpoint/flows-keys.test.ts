import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { decryptFlowRequest, loadFlowsPrivateKey } from '../../src/flows-endpoint/flow-crypto.ts';
import { runCli } from '../cli/run-cli.ts';
import { encryptRequest } from '../helpers/flows-client.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

it('chartbot flows keygen writes a key pair the endpoint can use and prints how to upload the public key', async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-keys-'));
  const run = await runCli(['flows', 'keygen', '--out', dir], '', 30_000);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/whatsapp_business_encryption/);
  expect(run.stdout).toMatch(/business_public_key=/);
  const privateKey = await readFile(join(dir, 'flows-private.pem'), 'utf8');
  const publicKey = await readFile(join(dir, 'flows-public.pem'), 'utf8');
  expect(run.stdout).toContain(publicKey.trim());
  expect((await stat(join(dir, 'flows-private.pem'))).mode & 0o777).toBe(0o600);
  // The pair works end to end: a request encrypted with the public key decrypts with the private key.
  const request = encryptRequest({ action: 'ping', version: '3.0' }, publicKey);
  expect(decryptFlowRequest(request.body, loadFlowsPrivateKey(privateKey)).payload).toEqual({ action: 'ping', version: '3.0' });
  // A second run never overwrites the key.
  const again = await runCli(['flows', 'keygen', '--out', dir], '', 30_000);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/already there/);
});

it('an encrypted private key needs its passphrase, and says so', async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-keys-'));
  const run = await runCli(['flows', 'keygen', '--out', dir, '--encrypt'], '', 30_000, { WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE: 'open sesame' });
  expect(run.code).toBe(0);
  const pem = await readFile(join(dir, 'flows-private.pem'), 'utf8');
  expect(pem).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
  expect(() => loadFlowsPrivateKey(pem)).toThrow(/set WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE/);
  expect(() => loadFlowsPrivateKey(pem, 'wrong')).toThrow(/with WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE/);
  const publicKey = await readFile(join(dir, 'flows-public.pem'), 'utf8');
  const request = encryptRequest({ action: 'ping' }, publicKey);
  expect(decryptFlowRequest(request.body, loadFlowsPrivateKey(pem, 'open sesame')).payload).toEqual({ action: 'ping' });
});

it('reads WHATSAPP_FLOWS_PRIVATE_KEY (\\n escapes allowed) and refuses a passphrase without a key', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----';
  expect(loadConfig({ WHATSAPP_FLOWS_PRIVATE_KEY: pem }).flowsPrivateKey).toBe('-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----');
  expect(() => loadConfig({ WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE: 'x' })).toThrow(/WHATSAPP_FLOWS_PRIVATE_KEY is not/);
  expect(() => loadConfig({ WHATSAPP_FLOWS_PRIVATE_KEY: 'not a key' })).toThrow(/must be a PEM private key/);
});
