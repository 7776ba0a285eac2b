// Imports every domain type (registration is a side effect) and builds the schema.
import { builder } from "./builder.js";
import "./scalars.js";
import "./error-types.js";
import "../modules/health/schema.js";
import "../modules/users/schema.js";
import "../modules/sessions/schema.js";
import "../modules/rbac/schema.js";
import "../modules/rbac/permission-schema.js";
import "../modules/users/admin-schema.js";
import "../modules/rbac/admin-schema.js";
import "../modules/audit/schema.js";

builder.queryType({});
builder.mutationType({});

export const schema = builder.toSchema();
