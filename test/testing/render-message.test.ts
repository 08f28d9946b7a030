import { expect, it } from 'vitest';
import { currency, mediaParam, template } from '../../src/messages/template-builders.ts';
import { renderMessage } from '../../src/testing/render-message.ts';

it('renders a template with what the user reads of each parameter (coupon codes too), media as its kind', () => {
  const message = template('spring_sale', 'en', {
    header: mediaParam('image', { link: 'https://example.com/sale.jpg' }),
    body: ['Ada', currency(12.5, 'EUR', '€12.50')],
    buttons: [{ index: 0, type: 'copy_code', value: 'SPRING25' }],
  });
  expect(renderMessage(message)).toEqual(['bot: template spring_sale (en): <image> | Ada | €12.50 | SPRING25']);
});
