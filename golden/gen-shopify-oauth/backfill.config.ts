// A Shopify-style OAuth connector: the shop's own host, pinned down by an anchored pattern,
// and one route serving both "Test connection" and the post-connect step.
import { defineConfig } from "@backfill-io/sdk";

const SHOP_HOST = "https://<shop>.myshopify.example";
const SETUP_ROUTE = { route: "/setup/test_connection", method: "POST" } as const;

export default defineConfig({
  name: "shopify-orders",
  displayName: "Shopify orders",
  description: "Orders and refunds from a Shopify store.",
  version: "2.1.0",
  permissions: {
    http: ["https://partners.myshopify.example/api/*"],
  },
  connection: {
    testConnection: SETUP_ROUTE,
    setup: {
      instructions: "Enter your shop's subdomain, then click **Connect**.",
    },
    settingsSchema: {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      required: ["shop"],
      properties: {
        shop: {
          type: "string",
          title: "Shop subdomain",
          description: "The part before `.myshopify.example`.",
          pattern: "^[a-z0-9][a-z0-9-]{0,59}$",
        },
        api_version: {
          type: "string",
          title: "API version",
          enum: ["2024-07", "2024-10", "2025-01"],
          default: "2025-01",
        },
      },
    },
    oauth: {
      type: "authorization_code",
      authorizationUrlTemplate: `${SHOP_HOST}/admin/oauth/authorize`,
      tokenUrlTemplate: SHOP_HOST + "/admin/oauth/access_token",
      scopes: ["read_orders", "read_customers"],
      client: { credentialKey: "shopify_public_app" },
      postConnect: SETUP_ROUTE,
    },
  },
});
