// The entry esbuild bundles into compiler/backfill_codegen/site_assets/ajv.js (see
// docs/site.md, "The vendored validator"): Ajv's draft-07 and 2020-12 classes and ajv-formats,
// at the versions package-lock.json pins, as one offline script the docs site loads.
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

window.BackfillAjv = { Ajv, Ajv2020, addFormats };
