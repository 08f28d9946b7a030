import type { MediaSource, OutboundMessage } from './outbound.ts';
import { deferrable, maxLength, mediaSource, standIn, withCommon, type CommonOptions } from './builder-common.ts';

/** Media messages (image, document, video, audio, sticker), by public URL or uploaded media id. Limits cite their source as in builders.ts. */

// Captions ≤ 1,024 (image, video, document): https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#media-object
const CAPTION_MAX = 1024;

/** An image by public URL or uploaded media id (caption ≤ 1,024 characters). */
export const image = deferrable(function image(source: string | MediaSource, options?: CommonOptions & { caption?: string }): OutboundMessage {
  const media: MediaSource & { caption?: string } = { ...mediaSource('image', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, CAPTION_MAX);
  return withCommon({ type: 'image', image: media }, options);
}, standIn);

/** A document by public URL or uploaded media id (caption ≤ 1,024 characters). */
export const document = deferrable(function document(
  source: string | MediaSource,
  options?: CommonOptions & { caption?: string; filename?: string },
): OutboundMessage {
  const media: MediaSource & { caption?: string; filename?: string } = { ...mediaSource('document', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, CAPTION_MAX);
  if (options?.filename !== undefined) media.filename = options.filename;
  return withCommon({ type: 'document', document: media }, options);
}, standIn);

/** A video by public URL or uploaded media id (caption ≤ 1,024 characters). */
export const video = deferrable(function video(source: string | MediaSource, options?: CommonOptions & { caption?: string }): OutboundMessage {
  const media: MediaSource & { caption?: string } = { ...mediaSource('video', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, CAPTION_MAX);
  return withCommon({ type: 'video', video: media }, options);
}, standIn);

/** An audio file or voice note by public URL or media id (no caption: WhatsApp has none for audio). */
export const audio = deferrable(function audio(source: string | MediaSource, options?: CommonOptions): OutboundMessage {
  return withCommon({ type: 'audio', audio: { ...mediaSource('audio', source) } }, options);
}, standIn);

/** A sticker (WebP) by public URL or media id. */
export const sticker = deferrable(function sticker(source: string | MediaSource, options?: CommonOptions): OutboundMessage {
  return withCommon({ type: 'sticker', sticker: { ...mediaSource('sticker', source) } }, options);
}, standIn);
