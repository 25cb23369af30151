import { api, Log, Secrets } from "@backfill-io/sdk";

export const config = { auth: "none" };

// Stripe delivers events by POST to the URL from setup.webhookUrlTemplate.
export const POST = api(async (request) => {
  const signingSecret = Secrets.get("webhook_signing_secret");
  if (!signingSecret) {
    return api.badRequest("The connection has no webhook signing secret");
  }
  // Verify the Stripe-Signature header against signingSecret before trusting the payload.
  Log.info("Stripe event received", { type: request.body.type });
  return api.json({ received: true });
});
