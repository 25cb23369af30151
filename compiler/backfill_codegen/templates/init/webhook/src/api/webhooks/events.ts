import { api, Log, Secrets } from "@backfill-io/sdk";

export const config = { auth: "none" };

// The provider delivers events by POST to the URL from setup.webhookUrlTemplate.
export const POST = api(async (request) => {
  const signingSecret = Secrets.get("webhook_signing_secret");
  if (!signingSecret) {
    return api.badRequest("The connection has no webhook signing secret");
  }
  // Verify the request's signature with signingSecret before trusting the payload.
  Log.info("event received", { type: request.body.type });
  return api.json({ received: true });
});
