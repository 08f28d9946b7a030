/**
 * Longest sender id / business number id accepted, in UTF-8 bytes (not characters: 64 CJK
 * characters are 192 bytes). Real ones are at most ~30 ASCII characters; the contact key is part of
 * a file name and of every Redis key.
 */
export const MAX_ID_BYTES = 64;
/**
 * Longest message id accepted, in UTF-8 bytes. A `wamid.…` is about 60 ASCII characters; ids are
 * stored per contact for de-duplication, so a 500,000-character one must not be.
 */
export const MAX_MESSAGE_ID_BYTES = 256;

export const tooLong = (id: string, max: number): boolean => id.length > max || Buffer.byteLength(id) > max;
