import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface KeygenOptions {
  /** Folder for flows-private.pem and flows-public.pem. */
  out: string;
  /** Encrypts the private key (AES-256-CBC, PKCS#8) with this passphrase. */
  passphrase?: string;
}

/**
 * `chartbot flows keygen`: a 2048-bit RSA key pair for the WhatsApp Flows data endpoint (the size
 * Meta's Flows endpoint guide asks for). The private key file is created for its owner only and
 * never overwritten; the public key and the upload command are printed.
 */
export async function flowsKeygen(options: KeygenOptions, write: (text: string) => void): Promise<void> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: options.passphrase
      ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: options.passphrase }
      : { type: 'pkcs8', format: 'pem' },
  });
  const privatePath = resolve(join(options.out, 'flows-private.pem'));
  const publicPath = resolve(join(options.out, 'flows-public.pem'));
  // 'wx': refuse to replace a key someone may already have uploaded the public half of.
  await writeFile(privatePath, privateKey, { flag: 'wx', mode: 0o600 });
  await writeFile(publicPath, publicKey, { flag: 'wx', mode: 0o644 });
  write(
    [
      `private key: ${privatePath} (keep it secret; mode 600)`,
      `public key:  ${publicPath}`,
      '',
      publicKey.trim(),
      '',
      'Next steps:',
      `1. Give the bot the private key: WHATSAPP_FLOWS_PRIVATE_KEY="$(cat ${privatePath})"${options.passphrase ? ' and WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE (the passphrase you used)' : ''}.`,
      '2. Upload the public key for each business phone number (Cloud API), then check it is VALID:',
      '   curl -X POST "https://graph.facebook.com/v23.0/$PHONE_NUMBER_ID/whatsapp_business_encryption" \\',
      '     -H "Authorization: Bearer $WHATSAPP_TOKEN" \\',
      `     --data-urlencode "business_public_key=$(cat ${publicPath})"`,
      '   curl "https://graph.facebook.com/v23.0/$PHONE_NUMBER_ID/whatsapp_business_encryption" -H "Authorization: Bearer $WHATSAPP_TOKEN"',
      '3. Set the Flow\'s endpoint URI to https://<your host>/flows/endpoint (WhatsApp Manager or the Flows API).',
      '',
    ].join('\n'),
  );
}
