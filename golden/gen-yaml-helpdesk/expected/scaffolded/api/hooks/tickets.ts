// Scaffolded by backfill-codegen from backfill.config; this file is yours to edit.
import { api, Log, Secrets } from "@backfill-io/sdk";
import type { PostHooksTicketsRequest } from "../../../generated/routes.js";

// POST /hooks/tickets: the webhook. The provider delivers events here, to the URL that
// connection.setup.webhookUrlTemplate gives the admin.
export const POST = api(async (request) => {
  // The first secret setting: read the one that holds the provider's signing secret.
  const signingSecret = Secrets.get("api_token");
  if (!signingSecret) {
    return api.badRequest("The connection has no webhook signing secret");
  }
  // TODO: verify this delivery's signature with signingSecret HERE, before trusting anything
  // in it: the provider's webhook documentation says which header carries it and how.
  const event: PostHooksTicketsRequest = request.body;
  if (event === undefined || event === null) {
    return api.badRequest("The delivery has no payload");
  }
  Log.info("Webhook delivery received");
  return api.json({ received: true });
});
