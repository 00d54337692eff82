package io.paperalerts.avro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every published version of one record schema, read from {@code history/<Name>/v1.avsc, v2.avsc, ...}
 * beside the generated classes. Published data may have been written with any of them, so readers
 * must know them all; the last one must be the schema the classes were generated from (a test
 * enforces it), which forces every schema change to add a version file.
 */
public final class SchemaHistory {

    private final String recordName;
    private final List<Schema> versions;

    private SchemaHistory(String recordName, List<Schema> versions) {
        this.recordName = recordName;
        this.versions = List.copyOf(versions);
    }

    public static SchemaHistory of(Schema current) {
        String name = current.getName();
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String resource = "/io/paperalerts/schemas/history/" + name + "/v" + v + ".avsc";
            try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema version " + resource, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("No published versions of schema " + name + " on the classpath");
        }
        return new SchemaHistory(name, versions);
    }

    public String recordName() {
        return recordName;
    }

    /** Oldest first. */
    public List<Schema> versions() {
        return versions;
    }

    public Schema latest() {
        return versions.get(versions.size() - 1);
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
