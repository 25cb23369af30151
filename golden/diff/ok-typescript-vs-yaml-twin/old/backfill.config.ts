// The Stripe connector from the platform's "Connection setup" page: an API key tested by a
// route, and Stripe webhooks delivered to a per-installation URL.
import { defineConfig } from "@backfill-io/sdk";

const NAME = "stripe";

export default defineConfig({
  name: NAME,
  displayName: "Stripe",
  description: "Accounting events from Stripe: charges, refunds, payouts and invoices.",
  version: "1.0.0",
  permissions: {
    http: ["https://api.stripe.com/*"],
  },
  connection: {
    testConnection: {
      route: "/setup/test_connection",
      method: "POST",
    },
    setup: {
      webhookUrlTemplate: `/api/v1/extensions/<tenant_id>/${NAME}/routes/webhooks/stripe?connection_id=<connection_id>`,
      instructions:
        "Create a Stripe webhook endpoint that forwards must-have accounting events to the " +
        "generated Backfill URL, then paste the Stripe webhook signing secret here.",
    },
    settingsSchema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      title: "Stripe settings",
      required: ["api_key"],
      properties: {
        api_key: {
          type: "string",
          title: "Secret API key",
          description: "A restricted key with read access to balance, charges and payouts.",
          pattern: "^(sk|rk)_(live|test)_[A-Za-z0-9]+$",
          writeOnly: true,
        },
        webhook_signing_secret: {
          type: "string",
          title: "Webhook signing secret",
          description: "The `whsec_...` secret Stripe shows for the webhook endpoint.",
          pattern: "^whsec_[A-Za-z0-9]+$",
          writeOnly: true,
        },
        account_country: {
          type: "string",
          title: "Account country",
          enum: ["US", "GB", "DE", "FR", "AU"],
          default: "US",
        },
      },
    },
  },
} as const);
