// A small "ACME Retail" catalog for the dev-mode fake backend and tests.
// (The real demo organisation is embedded in the Go binary.)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Descriptor = { apiVersion: string; kind: string; metadata: Record<string, any>; spec?: Record<string, any> };

const V = 'backstage.io/v1alpha1';

const component = (
  name: string,
  title: string,
  description: string,
  spec: Record<string, unknown>,
  tags: string[] = [],
  extra: Record<string, unknown> = {},
): Descriptor => ({
  apiVersion: V,
  kind: 'Component',
  metadata: { name, title, description, tags, ...extra },
  spec: { ...spec },
});

export const DEMO_ENTITIES: Descriptor[] = [
  { apiVersion: V, kind: 'Domain', metadata: { name: 'commerce', title: 'Commerce', description: 'Everything that turns browsing into orders.' }, spec: { owner: 'group:acme-engineering' } },
  { apiVersion: V, kind: 'System', metadata: { name: 'payments', title: 'Payments', description: 'Card, wallet and refund processing.', tags: ['pci'] }, spec: { owner: 'team-payments', domain: 'commerce' } },
  { apiVersion: V, kind: 'System', metadata: { name: 'storefront', title: 'Storefront', description: 'The customer-facing shop and checkout.' }, spec: { owner: 'team-checkout', domain: 'commerce' } },
  { apiVersion: V, kind: 'System', metadata: { name: 'product-catalog', title: 'Product Catalog', description: 'Products, prices and stock levels.' }, spec: { owner: 'team-catalog', domain: 'commerce' } },

  { apiVersion: V, kind: 'Group', metadata: { name: 'acme', title: 'ACME Retail', description: 'The whole company.' }, spec: { type: 'organization', profile: { displayName: 'ACME Retail', email: 'hello@acme.example' }, children: ['acme-engineering'] } },
  { apiVersion: V, kind: 'Group', metadata: { name: 'acme-engineering', title: 'Engineering', description: 'Product engineering.' }, spec: { type: 'department', parent: 'acme', children: ['team-payments', 'team-checkout', 'team-catalog', 'team-platform'] } },
  { apiVersion: V, kind: 'Group', metadata: { name: 'team-payments', title: 'Payments Team', description: 'Owns payment processing and fraud detection.' }, spec: { type: 'team', parent: 'acme-engineering', profile: { email: 'payments@acme.example' }, children: [] } },
  { apiVersion: V, kind: 'Group', metadata: { name: 'team-checkout', title: 'Checkout Team', description: 'Cart, checkout and the web storefront.' }, spec: { type: 'team', parent: 'acme-engineering', children: [] } },
  { apiVersion: V, kind: 'Group', metadata: { name: 'team-catalog', title: 'Catalog Team', description: 'Product data, search and inventory.' }, spec: { type: 'team', parent: 'acme-engineering', children: [] } },
  { apiVersion: V, kind: 'Group', metadata: { name: 'team-platform', title: 'Platform Team', description: 'Golden paths, CI and the gateway.' }, spec: { type: 'team', parent: 'acme-engineering', children: [] } },

  { apiVersion: V, kind: 'User', metadata: { name: 'alice', title: 'Alice Martin' }, spec: { profile: { displayName: 'Alice Martin', email: 'alice@acme.example' }, memberOf: ['team-payments'] } },
  { apiVersion: V, kind: 'User', metadata: { name: 'bob', title: 'Bob Chen' }, spec: { profile: { displayName: 'Bob Chen' }, memberOf: ['team-payments'] } },
  { apiVersion: V, kind: 'User', metadata: { name: 'carol', title: 'Carol Diaz' }, spec: { memberOf: ['team-checkout'] } },
  { apiVersion: V, kind: 'User', metadata: { name: 'dan', title: 'Dan Okafor' }, spec: { memberOf: ['team-catalog', 'team-platform'] } },
  { apiVersion: V, kind: 'User', metadata: { name: 'erin', title: 'Erin Walsh' }, spec: { memberOf: ['team-platform'] } },

  component(
    'payments-api',
    'Payments API',
    'Authorises, captures and refunds card and wallet payments.',
    { type: 'service', lifecycle: 'production', owner: 'team-payments', system: 'payments', providesApis: ['payments-rest'], dependsOn: ['resource:payments-db', 'component:fraud-checker'] },
    ['go', 'payments', 'pci'],
    {
      links: [
        { url: 'https://runbooks.acme.example/payments-api', title: 'Runbook', icon: 'docs', type: 'runbook' },
        { url: 'https://grafana.acme.example/d/payments', title: 'Dashboard', type: 'dashboard' },
      ],
      labels: { tier: '1', 'cost-center': 'cc-104' },
      annotations: { 'github.com/project-slug': 'acme/payments-api', 'paved.dev/golden-path': 'go-service' },
    },
  ),
  component('fraud-checker', 'Fraud Checker', 'Scores transactions for fraud risk before capture.', { type: 'service', lifecycle: 'experimental', owner: 'team-payments', system: 'payments', dependsOn: ['component:legacy-risk-engine'] }, ['python', 'ml']),
  component('checkout-service', 'Checkout Service', 'Turns carts into orders: pricing, tax, payment and confirmation.', { type: 'service', lifecycle: 'production', owner: 'team-checkout', system: 'storefront', consumesApis: ['payments-rest', 'catalog-graphql'], providesApis: ['order-events'], dependsOn: ['resource:orders-db'] }, ['java', 'orders']),
  component('checkout-web', 'Checkout Web', 'The web storefront: product pages, cart and checkout UI.', { type: 'website', lifecycle: 'production', owner: 'team-checkout', system: 'storefront', dependsOn: ['component:checkout-service', 'component:shared-ui-kit'] }, ['typescript', 'react']),
  component('shared-ui-kit', 'Shared UI Kit', 'Design-system components used by every web front end.', { type: 'library', lifecycle: 'production', owner: 'team-checkout' }, ['typescript', 'design-system']),
  component('catalog-service', 'Catalog Service', 'Product information, prices and search.', { type: 'service', lifecycle: 'production', owner: 'team-catalog', system: 'product-catalog', providesApis: ['catalog-graphql'], dependsOn: ['resource:catalog-search-index'] }, ['go', 'search']),
  component('inventory-worker', 'Inventory Worker', 'Syncs stock levels from the warehouses every minute.', { type: 'worker', lifecycle: 'deprecated', owner: 'team-catalog', system: 'product-catalog', consumesApis: ['order-events'], dependsOn: ['component:catalog-service'] }, ['go']),
  component('api-gateway', 'API Gateway', 'Edge gateway: TLS, auth and routing for public APIs.', { type: 'service', lifecycle: 'production', owner: 'team-platform', dependsOn: ['component:payments-api', 'component:catalog-service'] }, ['envoy', 'edge']),

  { apiVersion: V, kind: 'API', metadata: { name: 'payments-rest', title: 'Payments REST API', description: 'Public REST API for payments.', tags: ['rest', 'pci'] }, spec: { type: 'openapi', lifecycle: 'production', owner: 'team-payments', system: 'payments', definition: 'openapi: 3.0.0' } },
  { apiVersion: V, kind: 'API', metadata: { name: 'catalog-graphql', title: 'Catalog GraphQL API', description: 'Query products, prices and availability.', tags: ['graphql'] }, spec: { type: 'graphql', lifecycle: 'production', owner: 'team-catalog', system: 'product-catalog', definition: 'type Query { product(id: ID!): Product }' } },
  { apiVersion: V, kind: 'API', metadata: { name: 'order-events', title: 'Order Events', description: 'Kafka topic with order lifecycle events.', tags: ['kafka'] }, spec: { type: 'asyncapi', lifecycle: 'experimental', owner: 'team-checkout', system: 'storefront', definition: 'asyncapi: 2.6.0' } },

  { apiVersion: V, kind: 'Resource', metadata: { name: 'payments-db', title: 'Payments DB', description: 'PostgreSQL cluster for payment records.' }, spec: { type: 'database', owner: 'team-payments', system: 'payments' } },
  { apiVersion: V, kind: 'Resource', metadata: { name: 'orders-db', title: 'Orders DB', description: 'PostgreSQL cluster for orders.' }, spec: { type: 'database', owner: 'team-checkout', system: 'storefront' } },
  { apiVersion: V, kind: 'Resource', metadata: { name: 'catalog-search-index', title: 'Catalog Search Index', description: 'OpenSearch index of products.' }, spec: { type: 'search-index', owner: 'team-catalog', system: 'product-catalog' } },
];
