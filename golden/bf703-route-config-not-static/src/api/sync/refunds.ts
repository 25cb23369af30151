import { api } from "@backfill-io/sdk";

export let config = { auth: "api_key" };

export const GET = api(async () => api.json({ refunds: [] }));
