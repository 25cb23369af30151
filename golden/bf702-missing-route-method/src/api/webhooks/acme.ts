import { api } from "@backfill-io/sdk";

// Providers deliver webhooks by POST; this route answers GET only.
export async function GET() {
  return api.json({ received: true });
}
