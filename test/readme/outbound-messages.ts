import {
  audio, buttons, contacts, ctaUrl, currency, dateTime, document, flowInvitation, image, list,
  location, locationRequest, mediaParam, reaction, removeReaction, sticker, template, text, video,
} from 'chartbot';

/** One of every outbound message kind; each line is checked against WhatsApp's limits as it is built. */
export const examples = {
  text: text('Track it at https://example.com/t/1042', { previewUrl: true }),
  quoted: text('Got it!', { replyTo: 'wamid.HBgL…' }),
  image: image('https://example.com/receipt.jpg', { caption: 'Your receipt' }),
  uploaded: image({ id: '1479537139650973' }),
  video: video('https://example.com/howto.mp4', { caption: 'How to return an item' }),
  audio: audio('https://example.com/hello.ogg'),
  document: document('https://example.com/invoice.pdf', { filename: 'invoice-1042.pdf' }),
  sticker: sticker('https://example.com/thanks.webp'),
  location: location(52.5219, 13.4132, { name: 'Our shop', address: 'Alexanderplatz 1, Berlin' }),
  contacts: contacts([{ name: { formatted_name: 'Support desk' }, phones: [{ phone: '+4930123456', type: 'WORK' }] }]),
  reaction: reaction('wamid.HBgL…', '👍'),
  unreact: removeReaction('wamid.HBgL…'),
  buttons: buttons('Coffee or tea?', [{ id: 'coffee', title: 'Coffee' }, { id: 'tea', title: 'Tea' }], { footer: 'Tap one' }),
  list: list('How can we help?', 'Topics', [
    { title: 'Orders', rows: [{ id: 'track', title: 'Track my order' }, { id: 'return', title: 'Return an item' }] },
    { title: 'Account', rows: [{ id: 'reset', title: 'Reset password', description: 'We send a link' }] },
  ]),
  cta: ctaUrl('Our full menu is online.', 'Open menu', 'https://example.com/menu'),
  flow: flowInvitation({ body: 'Tell us what happened', cta: 'Open form', flowId: '1234567890', flowToken: 'ticket-42', screen: 'TICKET' }),
  askLocation: locationRequest('Where should we deliver?'),
  template: template('order_shipped', 'en_US', {
    header: mediaParam('image', { link: 'https://example.com/parcel.jpg' }),
    body: ['Ada', currency(12.5, 'EUR', '€12.50'), dateTime('Monday, 9 June')],
    buttons: [{ index: 0, type: 'url', value: '1042' }],
  }),
};
