import type { OrderAmount, OrderDetailsInteractive, OrderDetailsItem, OrderStatusInteractive, OrderStatusValue, OutboundMessage } from './outbound.ts';
import { bodyText, decorate, maxLength, deferrable, MessageLimitError, standIn, withCommon, type CommonOptions } from './builder-common.ts';

/**
 * `order_details` (review and pay in WhatsApp) and `order_status` messages, as Meta's spec documents
 * them in its examples "Send Order Details Message" and "Send Order Status Message"; the fields and
 * rules come from https://developers.facebook.com/docs/whatsapp/cloud-api/payments-api/payments-in/pg
 * (WhatsApp Payments are offered in some countries only; a payment configuration must exist).
 */

const PAYMENTS_PAGE = 'https://developers.facebook.com/docs/whatsapp/cloud-api/payments-api/payments-in/pg';
/** Amounts go in hundredths (`offset: 100`), as in every example of the page above. */
const OFFSET = 100;

function amount(field: string, value: number): OrderAmount {
  if (!Number.isFinite(value) || value < 0) throw new MessageLimitError(field, 'must be a finite amount ≥ 0', value);
  return { value: Math.round(value * OFFSET), offset: OFFSET };
}

function referenceId(value: string): string {
  // "English letters, numbers, underscores, dashes, or dots, ... should not exceed 35 characters" (PAYMENTS_PAGE).
  if (!/^[A-Za-z0-9_.-]{1,35}$/.test(value)) throw new MessageLimitError('referenceId', 'must be 1-35 letters, digits, _ - or .', value);
  return value;
}

/** One line of `orderDetails`: a product, its unit price and quantity. */
export interface OrderLineSpec {
  retailerId: string;
  name: string;
  /** Price of one item, in currency units (e.g. 12.5). */
  price: number;
  quantity: number;
  /** Discounted price of one item, when on sale. */
  salePrice?: number;
}

/** What `orderDetails` needs: the reference, the lines, the currency, and optional tax, shipping and discount. */
export interface OrderDetailsSpec extends CommonOptions {
  /** Your order or invoice id; `order_status` messages and the payment webhook refer to it. */
  referenceId: string;
  body: string;
  /** An image header (spec example "Send Order Details Message"). */
  headerImage?: string | { id: string } | { link: string };
  footer?: string;
  type: 'digital-goods' | 'physical-goods';
  /** ISO 4217 code; Meta's payments page lists the currencies each country supports. */
  currency: string;
  /** The payment configuration's name in WhatsApp Manager. */
  paymentConfiguration: string;
  /** e.g. `upi` (India). */
  paymentType?: string;
  catalogId?: string;
  items: OrderLineSpec[];
  tax: number;
  taxDescription?: string;
  shipping?: number;
  discount?: number;
}

/**
 * An order to review and pay. The subtotal and total are computed from the lines, tax, shipping
 * and discount, so they always add up as WhatsApp requires (total = subtotal + tax + shipping − discount).
 */
export const orderDetails = deferrable(function orderDetails(spec: OrderDetailsSpec): OutboundMessage {
  if (!/^[A-Z]{3}$/.test(spec.currency)) throw new MessageLimitError('currency', 'must be an ISO 4217 code such as INR', spec.currency);
  if (spec.items.length < 1) throw new MessageLimitError('items', 'must have at least 1 item', 0);
  maxLength('paymentConfiguration', spec.paymentConfiguration, 60);
  const items: OrderDetailsItem[] = spec.items.map((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new MessageLimitError(`items[${i}].quantity`, 'must be a whole number ≥ 1', line.quantity);
    const item: OrderDetailsItem = {
      retailer_id: maxLength(`items[${i}].retailerId`, line.retailerId, 100),
      name: maxLength(`items[${i}].name`, line.name, 60),
      amount: amount(`items[${i}].price`, line.price),
      quantity: line.quantity,
    };
    if (line.salePrice !== undefined) item.sale_amount = amount(`items[${i}].salePrice`, line.salePrice);
    return item;
  });
  const subtotal = items.reduce((sum, item) => sum + (item.sale_amount ?? item.amount).value * item.quantity, 0);
  const tax = amount('tax', spec.tax);
  const shipping = spec.shipping === undefined ? undefined : amount('shipping', spec.shipping);
  const discount = spec.discount === undefined ? undefined : amount('discount', spec.discount);
  const total = subtotal + tax.value + (shipping?.value ?? 0) - (discount?.value ?? 0);
  if (total < 0) throw new MessageLimitError('discount', 'must not exceed subtotal + tax + shipping', spec.discount);
  const order: OrderDetailsInteractive['action']['parameters']['order'] = {
    status: 'pending',
    items,
    subtotal: { value: subtotal, offset: OFFSET },
    tax: spec.taxDescription === undefined ? tax : { ...tax, description: maxLength('taxDescription', spec.taxDescription, 60) },
  };
  if (spec.catalogId !== undefined) order.catalog_id = spec.catalogId;
  if (shipping) order.shipping = shipping;
  if (discount) order.discount = discount;
  const interactive: OrderDetailsInteractive = {
    type: 'order_details',
    body: bodyText(spec.body),
    action: {
      name: 'review_and_pay',
      parameters: {
        reference_id: referenceId(spec.referenceId),
        type: spec.type,
        ...(spec.paymentType === undefined ? {} : { payment_type: spec.paymentType }),
        payment_configuration: spec.paymentConfiguration,
        currency: spec.currency,
        total_amount: { value: total, offset: OFFSET },
        order,
      },
    },
  };
  decorate(interactive, { ...(spec.headerImage === undefined ? {} : { header: { image: spec.headerImage } }), ...(spec.footer === undefined ? {} : { footer: spec.footer }) }, ['image'], 'order_details');
  return withCommon({ type: 'interactive', interactive }, spec);
}, standIn);

const STATUSES: readonly OrderStatusValue[] = ['pending', 'processing', 'partially-shipped', 'shipped', 'completed', 'canceled'];

/** Tells the user what happened to an order sent with `orderDetails` (same `referenceId`). */
export const orderStatus = deferrable(function orderStatus(
  referenceId_: string,
  status: OrderStatusValue,
  body: string,
  options?: CommonOptions & { description?: string; footer?: string },
): OutboundMessage {
  if (!STATUSES.includes(status)) throw new MessageLimitError('status', `must be one of ${STATUSES.join(', ')} (${PAYMENTS_PAGE})`, status);
  const order: { status: OrderStatusValue; description?: string } = { status };
  // description ≤ 120 characters (PAYMENTS_PAGE, order_status).
  if (options?.description !== undefined) order.description = maxLength('description', options.description, 120);
  const interactive: OrderStatusInteractive = {
    type: 'order_status',
    body: bodyText(body),
    action: { name: 'review_order', parameters: { reference_id: referenceId(referenceId_), order } },
  };
  decorate(interactive, options?.footer === undefined ? undefined : { footer: options.footer }, [], 'order_status');
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);
