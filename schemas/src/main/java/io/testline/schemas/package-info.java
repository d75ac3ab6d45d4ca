/**
 * testline's message contract: one Java record per message of the JSON Schemas under
 * {@code testline/schemas/} on the classpath, the JSON codec and the validator.
 *
 * <p>Versioning: an additive change (a new optional field, a new enum value only new readers need)
 * keeps a type's version, and readers ignore fields they do not know. A breaking change (a removed,
 * renamed or retyped field, a new required field) gets a new version, e.g. {@code testline.run.finished/2},
 * with its own schema file and record; during a transition readers accept both versions.
 *
 * <p>This module depends on Jackson and the JSON Schema validator only: no broker client, no JDBC.
 */
package io.testline.schemas;
