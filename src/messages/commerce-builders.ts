import type { CatalogMessageInteractive, OutboundMessage, ProductInteractive, ProductListInteractive, ProductListSection } from './outbound.ts';
import { bodyText, maxLength, deferrable, MessageLimitError, standIn, withCommon, type CommonOptions } from './builder-common.ts';

/**
 * Messages that show products of the business's Meta catalog, leading the user to order (the cart
 * arrives as `user.order`). Limits: spec `ActionObject`/`SectionObject`/`HeaderObject` and
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/sell-products-and-services/share-products
 */

export interface ProductOptions extends CommonOptions {
  /** Optional for a single product (spec `BodyObject`: "Optional for 'product' type"). */
  body?: string;
  footer?: string;
}

function footer(target: { footer?: { text: string } }, text: string | undefined): void {
  // ≤ 60: spec `FooterObject.text`.
  if (text !== undefined) target.footer = { text: maxLength('footer', text, 60) };
}

function id(field: string, value: string): string {
  if (value.trim() === '') throw new MessageLimitError(field, 'must not be empty', value);
  return value;
}

/**
 * One product of your catalog, with its image, price and an "add to cart" button. Takes no header
 * (spec `HeaderObject`: "Cannot be set for 'product' type").
 */
export const product = deferrable(function product(catalogId: string, productRetailerId: string, options?: ProductOptions): OutboundMessage {
  const interactive: ProductInteractive = {
    type: 'product',
    action: { catalog_id: id('catalogId', catalogId), product_retailer_id: id('productRetailerId', productRetailerId) },
  };
  if (options?.body !== undefined) interactive.body = bodyText(options.body);
  footer(interactive, options?.footer);
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);

/** One section of `productList`: a title and the retailer ids of its products. */
export interface ProductSectionSpec {
  /** ≤ 24 characters (spec `SectionObject.title`); every product-list section needs one. */
  title: string;
  /** Product retailer ids (SKUs) of your catalog. */
  products: string[];
}

/** Most products one product-list message may show, across all its sections (share-products page). */
export const PRODUCT_LIST_MAX_ITEMS = 30;

/**
 * Up to 30 products of your catalog in up to 10 titled sections. The header is required and text
 * only (spec `HeaderObject`: "Required for 'product_list' type").
 */
export const productList = deferrable(function productList(
  catalogId: string,
  spec: { header: string; body: string; sections: ProductSectionSpec[] },
  options?: CommonOptions & { footer?: string },
): OutboundMessage {
  // 1-10 sections: spec `ActionObject.sections`; 30 items: spec `SectionObject.product_items` (maxItems 30),
  // which the share-products page says is the limit across all sections.
  if (spec.sections.length < 1 || spec.sections.length > 10) throw new MessageLimitError('sections', 'must have 1-10 sections', spec.sections.length);
  const total = spec.sections.reduce((n, s) => n + s.products.length, 0);
  if (total < 1 || total > PRODUCT_LIST_MAX_ITEMS) throw new MessageLimitError('products', `must have 1-${PRODUCT_LIST_MAX_ITEMS} products in total`, total);
  const seen = new Set<string>();
  const sections: ProductListSection[] = spec.sections.map((section, s) => {
    maxLength(`sections[${s}].title`, section.title, 24);
    if (section.products.length < 1) throw new MessageLimitError(`sections[${s}].products`, 'must have at least 1 product', 0);
    return {
      title: section.title,
      product_items: section.products.map((retailerId, p) => {
        id(`sections[${s}].products[${p}]`, retailerId);
        if (seen.has(retailerId)) throw new MessageLimitError(`sections[${s}].products[${p}]`, 'must be unique in the message', retailerId);
        seen.add(retailerId);
        return { product_retailer_id: retailerId };
      }),
    };
  });
  const interactive: ProductListInteractive = {
    type: 'product_list',
    header: { type: 'text', text: maxLength('header', spec.header, 60) },
    body: bodyText(spec.body),
    action: { catalog_id: id('catalogId', catalogId), sections },
  };
  footer(interactive, options?.footer);
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);

/**
 * A "View catalog" button that opens your whole catalog, showing `thumbnailProduct`'s image (spec
 * `ActionObject`: catalog_message parameters require `thumbnail_product_retailer_id`). No header.
 */
export const catalogMessage = deferrable(function catalogMessage(body: string, thumbnailProduct: string, options?: CommonOptions & { footer?: string }): OutboundMessage {
  const interactive: CatalogMessageInteractive = {
    type: 'catalog_message',
    body: bodyText(body),
    action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: id('thumbnailProduct', thumbnailProduct) } },
  };
  footer(interactive, options?.footer);
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);
