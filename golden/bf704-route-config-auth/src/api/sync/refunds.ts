import { api } from "@backfill-io/sdk";

export const config = { timeout: 10_000 };

export const GET = api(async () => api.json({ refunds: [] }));
