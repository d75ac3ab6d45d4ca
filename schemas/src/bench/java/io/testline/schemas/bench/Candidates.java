package io.testline.schemas.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.erosb.jsonsKema.FormatValidationPolicy;
import com.github.erosb.jsonsKema.JsonParser;
import com.github.erosb.jsonsKema.SchemaClient;
import com.github.erosb.jsonsKema.SchemaLoader;
import com.github.erosb.jsonsKema.SchemaLoaderConfig;
import com.github.erosb.jsonsKema.ValidatorConfig;
import com.networknt.schema.OutputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.harrel.jsonschema.FormatEvaluatorFactory;
import dev.harrel.jsonschema.SchemaResolver;
import dev.harrel.jsonschema.ValidatorFactory;
import dev.harrel.jsonschema.providers.JacksonNode;
import io.testline.schemas.EventJson;
import io.testline.schemas.Schemas;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * The validators under comparison, each built for one schema and answering "bytes valid?" from the raw bytes, so
 * each pays for its own parse. The Jackson-based ones parse with testline's mapper, as the bridge does.
 */
final class Candidates {
  static final List<String> SCHEMA_FILES = List.of("common-1", "envelope-1", "run.started-1", "run.step-1",
      "run.log-1", "run.finished-1");

  private Candidates() {}

  static String schemaUri(String schemaFile) {
    return Schemas.ID_BASE + schemaFile + ".schema.json";
  }

  static JsonNode tree(byte[] bytes) {
    try {
      return EventJson.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SchemaRegistry networkntRegistry() {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).pathType(PathType.LEGACY).build())
        .schemaIdResolvers(resolvers -> resolvers.mapPrefix(Schemas.ID_BASE, "classpath:" + Schemas.RESOURCE_DIR)));
  }

  private static Schema networkntSchema(String schemaFile) {
    Schema schema = networkntRegistry().getSchema(SchemaLocation.of(schemaUri(schemaFile)));
    schema.initializeValidators();
    return schema;
  }

  /** networknt 2.x as MessageValidator configures it today: every error listed with its path. */
  static Predicate<byte[]> networkntAsConfigured(String schemaFile) {
    Schema schema = networkntSchema(schemaFile);
    return bytes -> schema.validate(tree(bytes)).isEmpty();
  }

  /** networknt 2.x with no annotation collection, fail-fast and the boolean output: no error objects at all. */
  static Predicate<byte[]> networkntLean(String schemaFile) {
    Schema schema = networkntSchema(schemaFile);
    return bytes -> schema.validate(tree(bytes), OutputFormat.BOOLEAN,
        context -> context.executionConfig(config -> config.annotationCollectionEnabled(false).failFast(true)));
  }

  /** dev.harrel json-schema on the same Jackson tree, formats asserted. */
  static Predicate<byte[]> harrel(String schemaFile) {
    SchemaResolver classpath = uri -> uri.startsWith(Schemas.ID_BASE)
        ? SchemaResolver.Result.fromString(new String(Payloads.resource(
            Schemas.RESOURCE_DIR + uri.substring(Schemas.ID_BASE.length()).replaceFirst("#.*", "")), StandardCharsets.UTF_8))
        : SchemaResolver.Result.empty();
    var validator = new ValidatorFactory()
        .withJsonNodeFactory(new JacksonNode.Factory())
        .withEvaluatorFactory(new FormatEvaluatorFactory())
        .withSchemaResolver(classpath)
        .createValidator();
    URI uri = URI.create(schemaUri(schemaFile));
    return bytes -> validator.validate(uri, tree(bytes)).isValid();
  }

  /** erosb json-sKema with its own parser, formats always asserted. */
  static Predicate<byte[]> sKema(String schemaFile) {
    SchemaClient fallback = SchemaClient.createDefaultInstance(java.util.Map.of());
    SchemaClient classpath = uri -> uri.toString().startsWith(Schemas.ID_BASE)
        ? new ByteArrayInputStream(Payloads.resource(
            Schemas.RESOURCE_DIR + uri.toString().substring(Schemas.ID_BASE.length()).replaceFirst("#.*", "")))
        : fallback.get(uri);
    SchemaLoaderConfig config = new SchemaLoaderConfig(classpath, URI.create(schemaUri(schemaFile)));
    var schema = new SchemaLoader(new JsonParser(new String(Payloads.resource(Schemas.RESOURCE_DIR + schemaFile
        + ".schema.json"), StandardCharsets.UTF_8)).parse(), config).load();
    var validator = com.github.erosb.jsonsKema.Validator.create(schema, new ValidatorConfig(FormatValidationPolicy.ALWAYS));
    return bytes -> validator.validate(new JsonParser(new ByteArrayInputStream(bytes)).parse()) == null;
  }

  /** Vert.x json-schema on a Vert.x JsonObject, flag output (valid or not, no error list). */
  static Predicate<byte[]> vertx(String schemaFile) {
    JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(Schemas.ID_BASE)
        .setOutputFormat(io.vertx.json.schema.OutputFormat.Flag);
    SchemaRepository repository = SchemaRepository.create(options);
    for (String file : SCHEMA_FILES) {
      repository.dereference(schemaUri(file),
          JsonSchema.of(new JsonObject(Buffer.buffer(Payloads.resource(Schemas.RESOURCE_DIR + file + ".schema.json")))));
    }
    var validator = repository.validator(schemaUri(schemaFile));
    return bytes -> validator.validate(new JsonObject(Buffer.buffer(bytes))).getValid();
  }
}
