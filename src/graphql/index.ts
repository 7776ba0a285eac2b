// Registers every module's types (a side effect of importing its schema.ts) and builds the schema.
import { builder } from "./builder.js";
import "./scalars.js";
import "./error-types.js";
import "../modules/health/schema.js";
import "../modules/users/schema.js";
import "../modules/sessions/schema.js";
import "../modules/credentials/schema.js";
import "../modules/rbac/schema.js";
import "../modules/rbac/access-schema.js";
import "../modules/audit/schema.js";
import "../modules/mfa/passkey-schema.js";
import "../modules/mfa/schema.js";
import "../modules/live/schema.js";

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSchema();
