// Imports every domain type (registration is a side effect) and builds the schema.
import { builder } from "./builder.js";
import "./scalars.js";
import "./errors.js";
import "./health.js";
import "./user.js";
import "./session.js";
import "./role.js";
import "./permission.js";
import "./user-admin.js";
import "./role-admin.js";
import "./audit.js";

builder.queryType({});
builder.mutationType({});

export const schema = builder.toSchema();
