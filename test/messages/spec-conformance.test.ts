import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTBOUND_KINDS, type OutboundKind } from '../fixtures/outbound-kinds.ts';

/**
 * Every outbound kind the builders produce (test/fixtures/outbound-kinds.ts), in the envelope the
 * Cloud API provider sends, validated with ajv against Meta's own OpenAPI schema of the send API
 * (test/fixtures/meta-openapi/, see its PROVENANCE.md). Where the spec is wrong or lacks a type Meta
 * documents, the error is set aside below, each gap naming the Meta page that contradicts the spec;
 * every gap must still occur (a newer spec that fixes one makes this test say so), and the kinds the
 * schema does not know are checked against the spec's own request examples or Meta's pages instead.
 */

const SPEC = fileURLToPath(new URL('../fixtures/meta-openapi/business-messaging-api_v23.0.yaml', import.meta.url));
const SPEC_SHA256 = 'c7148d5e2aeff32f2effc3d3557795d7eddd07abf8b017c9e40e86bb3312c116';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Gap {
  id: string;
  /** The Meta page (or the spec's own words) that contradicts the schema. */
  source: string;
  matches: (kind: OutboundKind, error: ErrorObject) => boolean;
}

const interactiveType = (kind: OutboundKind): string | undefined => {
  const interactive = kind.cloud.interactive;
  return isObj(interactive) && typeof interactive.type === 'string' ? interactive.type : undefined;
};

/** Interactive types Meta documents that `InteractiveObject.type` does not list. */
const UNDECLARED_INTERACTIVE: Record<string, string> = {
  cta_url: 'https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-cta-url-messages',
  location_request_message: 'https://developers.facebook.com/docs/whatsapp/cloud-api/messages/location-request-messages',
  order_details: 'https://developers.facebook.com/docs/whatsapp/cloud-api/payments-api/payments-in/pg (and the spec\'s own example "Send Order Details Message")',
  order_status: 'https://developers.facebook.com/docs/whatsapp/cloud-api/payments-api/payments-in/pg (and the spec\'s own example "Send Order Status Message")',
};

const GAPS: Gap[] = [
  ...Object.entries(UNDECLARED_INTERACTIVE).map(([type, source]): Gap => ({
    id: `interactive type ${type} missing from InteractiveObject.type and ActionObject`,
    source,
    // The type's enum error and the action's oneOf failure (no ActionObject branch describes it).
    matches: (kind, error) => interactiveType(kind) === type && (error.instancePath === '/interactive/type' || error.instancePath.startsWith('/interactive/action')),
  })),
  {
    id: 'latitude and longitude typed as strings',
    source: 'https://developers.facebook.com/docs/whatsapp/cloud-api/messages/location-messages (decimal degrees, numbers in the example; the spec\'s own examples are numbers too)',
    matches: (_kind, error) => /^\/location\/(latitude|longitude)$/.test(error.instancePath) && error.keyword === 'type',
  },
  {
    id: 'LanguageObject requires policy',
    source: 'https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates (language is { code } only; the spec\'s own template examples have no policy)',
    matches: (_kind, error) => error.instancePath === '/template/language' && error.keyword === 'required' && error.params.missingProperty === 'policy',
  },
  {
    id: 'template button index pattern ^[2-6, 11-14]$ refuses 0',
    source: 'the spec\'s own description of `index` ("Position index of the button (0-9)") and https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#button-parameter-object',
    matches: (_kind, error) => /^\/template\/components\/\d+\/index$/.test(error.instancePath) && error.keyword === 'pattern',
  },
  {
    id: 'template button sub_type lacks copy_code and flow',
    source:
      'https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/copy-code-templates and https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow (the spec\'s own example "Send Flow Template Message" uses sub_type flow)',
    matches: (_kind, error) => /^\/template\/components\/\d+\/sub_type$/.test(error.instancePath) && error.keyword === 'enum' && ['copy_code', 'flow'].includes(String(error.data)),
  },
  {
    id: 'template button parameter types lack coupon_code and action',
    source:
      'https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/copy-code-templates (coupon_code) and https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/catalog-templates (action; the spec\'s own examples "Send Catalog Template Message" and "Send Flow Template Message" use it)',
    matches: (_kind, error) =>
      /^\/template\/components\/\d+\/parameters\/\d+\/type$/.test(error.instancePath) && error.keyword === 'enum' && ['coupon_code', 'action'].includes(String(error.data)),
  },
];

/**
 * Kinds the schema cannot check, with what they are checked against instead: the spec's own request
 * example of that kind (every key we send must appear in it), or a schema written from Meta's page.
 */
const EXAMPLE_FOR: Record<string, string> = {
  order_details: 'Send Order Details Message',
  order_status: 'Send Order Status Message',
};
const TEMPLATE_BUTTON_EXAMPLE: Record<string, string> = {
  catalog: 'Send Catalog Template Message',
  flow: 'Send Flow Template Message',
};
const PAGE_SCHEMAS: Record<string, Json> = {
  // https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-cta-url-messages
  cta_url: {
    type: 'object',
    required: ['name', 'parameters'],
    additionalProperties: false,
    properties: {
      name: { const: 'cta_url' },
      parameters: {
        type: 'object',
        additionalProperties: false,
        required: ['display_text', 'url'],
        properties: { display_text: { type: 'string', maxLength: 20 }, url: { type: 'string', format: 'url' } },
      },
    },
  },
  // https://developers.facebook.com/docs/whatsapp/cloud-api/messages/location-request-messages
  location_request_message: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { const: 'send_location' } } },
};

/** Author-defined objects (the examples show `<CUSTOM_KEY>` there): their keys are not compared. */
const FREE_FORM = new Set(['flow_action_data']);

/** Key paths of a JSON value (array items collapse to `[]`). */
function keyPaths(value: unknown, prefix = ''): Set<string> {
  const paths = new Set<string>();
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) for (const item of v) walk(item, `${at}[]`);
    else if (isObj(v)) {
      for (const [key, child] of Object.entries(v)) {
        paths.add(`${at}.${key}`);
        if (!FREE_FORM.has(key)) walk(child, `${at}.${key}`);
      }
    }
  };
  walk(value, prefix);
  return paths;
}

/**
 * `additionalProperties: false` in one branch of an `allOf` forbids the properties the other
 * branches declare (JSON Schema reads it per branch), so every message would fail on
 * `messaging_product`. The spec means "no properties beyond those the allOf declares", which is
 * `unevaluatedProperties: false` on the allOf itself (JSON Schema 2020-12, which OpenAPI 3.1 uses).
 */
function closeAllOfs(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeAllOfs);
  if (!isObj(node)) return;
  if (Array.isArray(node.allOf)) {
    let closed = false;
    for (const branch of node.allOf) {
      if (isObj(branch) && branch.additionalProperties === false) {
        delete branch.additionalProperties;
        closed = true;
      }
    }
    if (closed) node.unevaluatedProperties = false;
  }
  Object.values(node).forEach(closeAllOfs);
}

const envelope = (kind: OutboundKind): Json => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '15550001111', ...kind.cloud });

describe("outbound builders against Meta's OpenAPI schema (v23.0)", () => {
  let spec: Json;
  let schemas: Json;
  let ajv: Ajv2020;
  const schema = (name: string): ValidateFunction => {
    const validate = ajv.getSchema(`spec#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name} in the spec`);
    return validate;
  };
  const examples = (): Record<string, { value: Json }> => {
    const post = (spec.paths as Json)['/{Version}/{Phone-Number-ID}/messages'] as Json;
    const content = (((post.post as Json).requestBody as Json).content as Json)['application/json'] as Json;
    return content.examples as Record<string, { value: Json }>;
  };
  const usedGaps = new Set<string>();

  beforeAll(() => {
    const text = readFileSync(SPEC, 'utf8');
    expect(createHash('sha256').update(text).digest('hex'), 'the spec copy changed: update PROVENANCE.md and this test').toBe(SPEC_SHA256);
    spec = parse(text) as Json;
    schemas = structuredClone((spec.components as Json).schemas as Json);
    closeAllOfs(schemas);
    // strict: false because OpenAPI adds keywords JSON Schema does not know (discriminator, example).
    ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    // ajv-formats is CommonJS: its plugin is the `default` export under NodeNext typing.
    formats.default(ajv);
    ajv.addSchema({ $id: 'spec', components: { schemas } });
  });

  /** Every schema error of one message, before the gaps are set aside. */
  function schemaErrors(kind: OutboundKind): ErrorObject[] {
    const body = envelope(kind);
    const mapping = ((schemas.Message as Json).discriminator as Json).mapping as Record<string, string>;
    const target = mapping[String(body.type)];
    expect(target, `the spec's Message has no type ${String(body.type)}`).toBeDefined();
    const validate = schema(String(target).split('/').pop() ?? '');
    const errors = validate(body) ? [] : [...(validate.errors ?? [])];
    // The spec maps template components and parameters by `type` through discriminators without
    // oneOf, which JSON Schema ignores: validate each against the schema its mapping names.
    if (body.type === 'template') {
      const components = ((body.template as Json).components ?? []) as Json[];
      components.forEach((component, c) => {
        const componentMapping = ((schemas.TemplateComponent as Json).discriminator as Json).mapping as Record<string, string>;
        const componentSchema = schema(String(componentMapping[String(component.type)]).split('/').pop() ?? '');
        if (!componentSchema(component)) errors.push(...(componentSchema.errors ?? []).map((e) => ({ ...e, instancePath: `/template/components/${c}${e.instancePath}` })));
        const parameterBase = component.type === 'button' ? 'ButtonParameterObject' : 'ParameterObject';
        const parameterMapping = ((schemas[parameterBase] as Json).discriminator as Json).mapping as Record<string, string>;
        ((component.parameters ?? []) as Json[]).forEach((parameter, p) => {
          const mapped = parameterMapping[String(parameter.type)];
          const validate = schema(mapped ? mapped.split('/').pop() ?? '' : parameterBase);
          if (!validate(parameter)) errors.push(...(validate.errors ?? []).map((e) => ({ ...e, instancePath: `/template/components/${c}/parameters/${p}${e.instancePath}` })));
        });
      });
    }
    return errors;
  }

  it.each(OUTBOUND_KINDS)('$name conforms (known spec gaps set aside)', (kind) => {
    const left = schemaErrors(kind).filter((error) => {
      const gap = GAPS.find((g) => g.matches(kind, error));
      if (gap) usedGaps.add(gap.id);
      return !gap;
    });
    expect(left.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`)).toEqual([]);

    // What the schema could not check is checked against the spec's own example or Meta's page.
    const type = interactiveType(kind);
    const interactive = kind.cloud.interactive as Json | undefined;
    if (type && PAGE_SCHEMAS[type]) {
      const validate = ajv.compile(PAGE_SCHEMAS[type]);
      expect(validate(interactive?.action), JSON.stringify(validate.errors)).toBe(true);
    }
    const exampleName = type ? EXAMPLE_FOR[type] : undefined;
    if (exampleName) {
      const example = examples()[exampleName]?.value;
      const allowed = keyPaths(example);
      expect([...keyPaths(envelope(kind))].filter((path) => !allowed.has(path))).toEqual([]);
    }
    if (kind.cloud.type === 'template') {
      for (const component of ((kind.cloud.template as Json).components ?? []) as Json[]) {
        const name = TEMPLATE_BUTTON_EXAMPLE[String(component.sub_type)];
        if (!name) continue;
        const exampleButton = (((examples()[name]?.value.template as Json).components ?? []) as Json[]).find((c) => c.type === 'button');
        const allowed = keyPaths(exampleButton);
        expect([...keyPaths(component)].filter((path) => !allowed.has(path)), `${String(component.sub_type)} button vs "${name}"`).toEqual([]);
      }
    }
  });

  it('every set-aside gap still occurs (a spec that fixes one must drop it here)', () => {
    // Runs after the kinds above (vitest runs a file's tests in order).
    expect(GAPS.map((g) => g.id).filter((id) => !usedGaps.has(id))).toEqual([]);
  });

  it('the gaps are narrow: a real mistake in a known kind is still caught', () => {
    const kind = OUTBOUND_KINDS.find((k) => k.name === 'list with two sections');
    expect(kind).toBeDefined();
    const broken: OutboundKind = { ...kind!, cloud: structuredClone(kind!.cloud) };
    ((broken.cloud.interactive as Json).body as Json).text = 'x'.repeat(1025);
    const errors = schemaErrors(broken).filter((error) => !GAPS.some((g) => g.matches(broken, error)));
    expect(errors.map((e) => e.instancePath)).toContain('/interactive/body/text');
  });
});
