import { api } from "@backfill-io/sdk";

// The manifest's webhook route is /webhooks/acme: this file is one letter off.
export const POST = api(async () => api.json({ received: true }));
