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

it('renders products, product lists, catalogs and orders readably', async () => {
  const { product, productList, catalogMessage } = await import('../../src/messages/commerce-builders.ts');
  const { orderDetails, orderStatus } = await import('../../src/messages/order-builders.ts');
  expect(renderMessage(product('cat-1', 'beans-1kg', { body: 'Our best seller' }))).toEqual(['bot: Our best seller', '  product beans-1kg', '  [View] (catalog cat-1)']);
  expect(renderMessage(product('cat-1', 'beans-1kg'))).toEqual(['bot: product beans-1kg', '  [View] (catalog cat-1)']);
  expect(
    renderMessage(productList('cat-1', { header: 'Coffee', body: 'Pick your beans', sections: [{ title: 'Beans', products: ['a', 'b'] }, { title: 'Gear', products: ['g'] }] })),
  ).toEqual(['bot: *Coffee*', '  Pick your beans', '  Beans: a, b', '  Gear: g', '  [View items] (catalog cat-1)']);
  expect(renderMessage(catalogMessage('Browse', 'beans-1kg', { footer: 'Free shipping' }))).toEqual(['bot: Browse', '  [View catalog] (thumbnail beans-1kg)', '  _Free shipping_']);
  const order = orderDetails({
    referenceId: 'o-1',
    body: 'Your order',
    type: 'physical-goods',
    currency: 'INR',
    paymentConfiguration: 'c',
    items: [{ retailerId: 'a', name: 'Beans', price: 15, quantity: 2 }],
    tax: 1.5,
  });
  expect(renderMessage(order)).toEqual(['bot: Your order', '  order o-1:', '    2 × Beans (a) 15.00 INR', '    total 31.50 INR', '  [Review and pay]']);
  expect(renderMessage(orderStatus('o-1', 'shipped', 'On its way', { description: 'DHL 42' }))).toEqual(['bot: On its way', '  order o-1: shipped (DHL 42)']);
});

it('renders media headers and catalog/Flow template buttons', async () => {
  const { buttons } = await import('../../src/messages/builders.ts');
  expect(renderMessage(buttons('Ready', [{ id: 'ok', title: 'OK' }], { header: { image: 'https://example.com/a.jpg' } }))).toEqual([
    'bot: (image header: https://example.com/a.jpg)',
    '  Ready',
    '  [OK]',
  ]);
  expect(renderMessage(template('offer', 'en', { buttons: [{ index: 0, type: 'catalog', thumbnailProduct: 'sku-1' }, { index: 1, type: 'flow', flowToken: 't' }] }))).toEqual([
    'bot: template offer (en): [View catalog: sku-1] | [flow]',
  ]);
});
